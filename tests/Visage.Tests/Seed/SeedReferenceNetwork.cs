using System.Globalization;
using System.Runtime.InteropServices;
using OpenCvSharp;

namespace Visage.Tests.Seed;

/// <summary>The outputs of one reference forward pass.</summary>
public sealed class SeedForwardResult
{
    public required SeedTensor Stem { get; init; }      // 192x12x12
    public required SeedTensor After3a { get; init; }   // 256x12x12
    public required SeedTensor After3b { get; init; }   // 320x12x12
    public required SeedTensor After3c { get; init; }   // 640x6x6
    public required SeedTensor After4a { get; init; }   // 640x6x6
    public required SeedTensor After4e { get; init; }   // 1024x3x3
    public required SeedTensor After5a { get; init; }   // 736x3x3
    public required SeedTensor After5b { get; init; }   // 736x3x3

    /// <summary>The flattened head average pool: the dense layer's 736 inputs.</summary>
    public required double[] PreDense { get; init; }

    /// <summary>The dense layer's 128 outputs before L2 normalisation.</summary>
    public required double[] PreNormalization { get; init; }

    /// <summary>The unit-length 128-d encoding.</summary>
    public required double[] Encoding { get; init; }
}

/// <summary>
/// An independent implementation of the seed's FaceNet (nn4.small2, deeplearning.ai Keras variant) in plain
/// loops, to check the product's ONNX graph against. Reads a weights folder with its own CSV parser.
/// </summary>
public sealed class SeedReferenceNetwork
{
    private readonly Dictionary<string, float[]> _tensors;
    private readonly Dictionary<string, double[]> _doubles;

    private SeedReferenceNetwork(Dictionary<string, float[]> tensors)
    {
        _tensors = tensors;
        _doubles = tensors.ToDictionary(kv => kv.Key, kv => Array.ConvertAll(kv.Value, v => (double)v));
    }

    /// <summary>Reads every file of <see cref="SeedLayout.Files"/> from <paramref name="weightsDirectory"/>,
    /// checking each holds exactly the tensor's number of values.</summary>
    public static SeedReferenceNetwork Load(string weightsDirectory)
    {
        var read = new float[SeedLayout.Files.Count][];
        for (var i = 0; i < read.Length; i++)
        {
            var path = Path.Combine(weightsDirectory, SeedLayout.Files[i].FileName);
            if (!File.Exists(path))
                throw new FileNotFoundException("missing weights file " + path, path);
        }
        try
        {
            Parallel.For(0, read.Length, i => read[i] = ReadCsv(Path.Combine(weightsDirectory, SeedLayout.Files[i].FileName)));
        }
        catch (AggregateException e) when (e.InnerExceptions.Count > 0)
        {
            System.Runtime.ExceptionServices.ExceptionDispatchInfo.Capture(e.InnerExceptions[0]).Throw();
        }

        var tensors = new Dictionary<string, float[]>();
        for (var i = 0; i < read.Length; i++)
        {
            var file = SeedLayout.Files[i];
            if (read[i].Length != file.Count)
                throw new InvalidDataException(
                    $"{file.FileName} holds {read[i].Length} values, shape [{string.Join(", ", file.Shape)}] needs {file.Count}");
            tensors[file.Stem] = read[i];
        }
        return new SeedReferenceNetwork(tensors);
    }

    /// <summary>The float32 values read from one file, by stem (<c>conv1_w</c>).</summary>
    public float[] Tensor(string stem) => _tensors[stem];

    public static float[] ReadCsv(string path)
    {
        try
        {
            return ParseCsv(File.ReadAllText(path));
        }
        catch (FormatException e)
        {
            throw new InvalidDataException($"{path}: {e.Message}", e);
        }
    }

    /// <summary>Numbers separated by commas and/or line breaks, any whitespace around them ignored.</summary>
    public static float[] ParseCsv(string text)
    {
        var result = new List<float>(text.Length / 8);
        var all = text.AsSpan();
        foreach (var lineRange in all.Split('\n'))
        {
            var line = all[lineRange];
            if (line.IsWhiteSpace())
                continue;
            var fieldCount = line.Count(',') + 1;
            var i = 0;
            foreach (var fieldRange in line.Split(','))
            {
                var token = line[fieldRange].Trim();
                // A comma closing a line is tolerated; an empty field anywhere else is not.
                if (token.Length == 0 && i == fieldCount - 1 && i > 0)
                    break;
                if (!float.TryParse(token, NumberStyles.Float, CultureInfo.InvariantCulture, out var v))
                    throw new FormatException($"'{token.ToString()}' is not a number");
                result.Add(v);
                i++;
            }
        }
        return result.ToArray();
    }

    /// <summary>Image → 3x96x96 channels-first floats: BGR read, whole image resized bilinearly to 96x96,
    /// reversed to RGB, divided by 255.</summary>
    public static float[] Preprocess(string imagePath)
    {
        using var bgr = Cv2.ImRead(imagePath, ImreadModes.Color);
        if (bgr.Empty())
            throw new InvalidDataException("cannot read image " + imagePath);
        return Preprocess(bgr);
    }

    public static float[] Preprocess(Mat bgr)
    {
        if (bgr.Type() != MatType.CV_8UC3)
            throw new ArgumentException("expected an 8-bit BGR image, got " + bgr.Type());
        const int n = SeedLayout.InputSize;
        using var resized = new Mat();
        Cv2.Resize(bgr, resized, new Size(n, n), 0, 0, InterpolationFlags.Linear);
        var bytes = new byte[n * n * 3];
        for (var row = 0; row < n; row++)
            Marshal.Copy(resized.Ptr(row), bytes, row * n * 3, n * 3);

        var input = new float[3 * n * n];
        for (var i = 0; i < n * n; i++)
            for (var c = 0; c < 3; c++)
                input[c * n * n + i] = bytes[i * 3 + (2 - c)] / 255f;
        return input;
    }

    /// <summary>The unit-length encoding as float32.</summary>
    public float[] Encode(float[] input) => Array.ConvertAll(Forward(input).Encoding, v => (float)v);

    /// <summary>One forward pass over a 1x3x96x96 input (channels first, RGB in [0, 1]).</summary>
    public SeedForwardResult Forward(float[] input)
    {
        if (input.Length != SeedLayout.InputLength)
            throw new ArgumentException($"input holds {input.Length} values, expected 3x96x96 = {SeedLayout.InputLength}");
        var x = new SeedTensor(3, SeedLayout.InputSize, SeedLayout.InputSize, Array.ConvertAll(input, v => (double)v));

        x = ConvBnRelu(SeedOps.Pad(x, 3, 3), "conv1");
        x = SeedOps.MaxPool(SeedOps.Pad(x, 1, 1), 3, 2);
        x = ConvBnRelu(x, "conv2");
        x = ConvBnRelu(SeedOps.Pad(x, 1, 1), "conv3");
        var stem = Expect(SeedOps.MaxPool(SeedOps.Pad(x, 1, 1), 3, 2), 192, 12, "stem");

        var a3 = Expect(SeedOps.Concat(
            TwoConv(stem, "inception_3a_3x3", 1),
            TwoConv(stem, "inception_3a_5x5", 2),
            PoolConv(SeedOps.MaxPool(stem, 3, 2), "inception_3a_pool", 3, 4),
            ConvBnRelu(stem, "inception_3a_1x1_conv")), 256, 12, "inception_3a");

        var b3 = Expect(SeedOps.Concat(
            TwoConv(a3, "inception_3b_3x3", 1),
            TwoConv(a3, "inception_3b_5x5", 2),
            PoolConv(SeedOps.AvgPool(a3, 3, 3), "inception_3b_pool", 4, 4),
            ConvBnRelu(a3, "inception_3b_1x1_conv")), 320, 12, "inception_3b");

        var c3 = Expect(SeedOps.Concat(
            TwoConv(b3, "inception_3c_3x3", 1),
            TwoConv(b3, "inception_3c_5x5", 2),
            SeedOps.Pad(SeedOps.MaxPool(b3, 3, 2), 0, 1)), 640, 6, "inception_3c");

        var a4 = Expect(SeedOps.Concat(
            TwoConv(c3, "inception_4a_3x3", 1),
            TwoConv(c3, "inception_4a_5x5", 2),
            PoolConv(SeedOps.AvgPool(c3, 3, 3), "inception_4a_pool", 2, 2),
            ConvBnRelu(c3, "inception_4a_1x1_conv")), 640, 6, "inception_4a");

        var e4 = Expect(SeedOps.Concat(
            TwoConv(a4, "inception_4e_3x3", 1),
            TwoConv(a4, "inception_4e_5x5", 2),
            SeedOps.Pad(SeedOps.MaxPool(a4, 3, 2), 0, 1)), 1024, 3, "inception_4e");

        var a5 = Expect(SeedOps.Concat(
            TwoConv(e4, "inception_5a_3x3", 1),
            PoolConv(SeedOps.AvgPool(e4, 3, 3), "inception_5a_pool", 1, 1),
            ConvBnRelu(e4, "inception_5a_1x1_conv")), 736, 3, "inception_5a");

        var b5 = Expect(SeedOps.Concat(
            TwoConv(a5, "inception_5b_3x3", 1),
            PoolConv(SeedOps.MaxPool(a5, 3, 2), "inception_5b_pool", 1, 1),
            ConvBnRelu(a5, "inception_5b_1x1_conv")), 736, 3, "inception_5b");

        var pooled = Expect(SeedOps.AvgPool(b5, 3, 1), 736, 1, "head pool");
        var preDense = pooled.Data;
        var dense = SeedOps.Dense(preDense, _doubles["dense_w"], _doubles["dense_b"]);

        return new SeedForwardResult
        {
            Stem = stem,
            After3a = a3,
            After3b = b3,
            After3c = c3,
            After4a = a4,
            After4e = e4,
            After5a = a5,
            After5b = b5,
            PreDense = preDense,
            PreNormalization = dense,
            Encoding = SeedOps.L2Normalize(dense),
        };
    }

    private SeedTensor ConvBnRelu(SeedTensor x, string convName)
    {
        var c = SeedLayout.Conv(convName);
        if (x.Channels != c.In)
            throw new InvalidOperationException($"{convName} expects {c.In} channels, got {x.Shape}");
        var y = SeedOps.Conv2d(x, _doubles[c.Name + "_w"], _doubles[c.Name + "_b"], c.Out, c.Kh, c.Kw, c.Stride);
        return SeedOps.BatchNormRelu(y, _doubles[c.BnName + "_w"], _doubles[c.BnName + "_b"],
            _doubles[c.BnName + "_m"], _doubles[c.BnName + "_v"], c.Epsilon);
    }

    /// <summary>1x1 reduce, zero pad, then the branch's k x k convolution (stride from the layout).</summary>
    private SeedTensor TwoConv(SeedTensor x, string prefix, int pad) =>
        ConvBnRelu(SeedOps.Pad(ConvBnRelu(x, prefix + "_conv1"), pad, pad), prefix + "_conv2");

    private SeedTensor PoolConv(SeedTensor pooled, string prefix, int padBefore, int padAfter) =>
        SeedOps.Pad(ConvBnRelu(pooled, prefix + "_conv"), padBefore, padAfter);

    private static SeedTensor Expect(SeedTensor t, int channels, int size, string what)
    {
        if (t.Channels != channels || t.Height != size || t.Width != size)
            throw new InvalidOperationException($"{what}: got {t.Shape}, expected {channels}x{size}x{size}");
        return t;
    }
}
