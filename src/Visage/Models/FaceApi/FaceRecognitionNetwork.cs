using Visage.Models.Onnx;

namespace Visage.Models.FaceApi;

/// <summary>
/// face-api's <c>face_recognition_model</c> (a TensorFlow.js port of dlib's ResNet face recogniser, 128-d
/// descriptors) rebuilt as an ONNX graph from its weights manifest, following face-api's
/// <c>FaceRecognitionNet</c>.
/// <para>
/// Input [batch, 3, 150, 150]: RGB, 0..255, channels first, a dlib face chip. The graph normalises it as
/// face-api does, (pixel - mean RGB) / 255 (dlib itself divides by 256: a 0.4% input scale that gave the
/// same LFW View 1 accuracy and threshold). Output [batch, 128]: the descriptor as face-api returns it,
/// not normalised (face-api's distance threshold, 0.6, applies to these; their length is about 1.4).
/// </para>
/// <para>
/// Layers: a 7x7 stride-2 convolution and 3x3 stride-2 max pool, then 14 residual blocks of two 3x3
/// convolutions (32, 64, 128, 256 channels), a global average and a 256x128 matrix without bias. Every
/// convolution adds its bias and then a per-channel scale layer (multiply, add; dlib's affine layer in
/// place of batch normalisation), folded into it here. A down-sampling block's first convolution has
/// stride 2 and no padding; its shortcut is a 2x2 average pool with zero channels appended, and where
/// the two disagree in size the convolution branch gets zero rows and columns at the bottom and right
/// (dlib adds tensors of different sizes that way).
/// </para>
/// </summary>
internal static class FaceRecognitionNetwork
{
    public const string ManifestFileName = "face_recognition_model-weights_manifest.json";
    public const string WeightsFileName = "face_recognition_model.bin";

    public const int InputSize = 150;
    public const int DescriptorSize = 128;
    public const string InputName = "rgb";
    public const string OutputName = "descriptor";

    /// <summary>The mean red, green and blue of dlib's training chips, subtracted from every pixel.</summary>
    public static IReadOnlyList<float> MeanRgb { get; } = [122.782f, 117.001f, 104.298f];

    public const float InputDivisor = 255f;

    /// <summary>
    /// The tensors <see cref="Build"/> can expose besides the descriptor, in network order: the first
    /// convolution, the max pool, each residual block (named by its weights' prefix) and the global average.
    /// </summary>
    public static IReadOnlyList<string> IntermediateOutputs { get; } =
    [
        "conv32_down", "max_pool",
        "conv32_1", "conv32_2", "conv32_3",
        "conv64_down", "conv64_1", "conv64_2", "conv64_3",
        "conv128_down", "conv128_1", "conv128_2",
        "conv256_down", "conv256_1", "conv256_2", "conv256_down_out",
        "global_average",
    ];

    /// <summary>
    /// Builds the graph from <paramref name="modelFolder"/>, which holds <see cref="ManifestFileName"/> and
    /// the file it names. With <paramref name="exposeIntermediates"/> every tensor of
    /// <see cref="IntermediateOutputs"/> is a graph output too.
    /// </summary>
    public static byte[] Build(string modelFolder, bool exposeIntermediates = false)
    {
        var weights = TfjsWeights.Load(Path.Combine(modelFolder, ManifestFileName));
        var g = new OnnxGraphBuilder("face_api_face_recognition_net");
        var stages = new List<(string Name, string Tensor)>();

        var x = g.Input(InputName, 3, InputSize, InputSize);
        x = g.NormalizeChannels(x, "normalize", MeanRgb.ToArray(), [InputDivisor, InputDivisor, InputDivisor]);

        x = Conv(g, weights, x, "conv32_down", 3, 32, 7, stride: 2, relu: true);
        var size = (InputSize - 7) / 2 + 1;
        stages.Add(("conv32_down", x));
        x = g.MaxPool(x, 3, 2);
        size = (size - 3) / 2 + 1;
        stages.Add(("max_pool", x));

        var channels = 32;
        foreach (var (block, outChannels) in new[]
                 {
                     ("conv32_1", 32), ("conv32_2", 32), ("conv32_3", 32),
                     ("conv64_down", 64), ("conv64_1", 64), ("conv64_2", 64), ("conv64_3", 64),
                     ("conv128_down", 128), ("conv128_1", 128), ("conv128_2", 128),
                     ("conv256_down", 256), ("conv256_1", 256), ("conv256_2", 256), ("conv256_down_out", 256),
                 })
        {
            x = block.Contains("_down")
                ? ResidualDown(g, weights, x, block, channels, outChannels, ref size)
                : Residual(g, weights, x, block, channels);
            channels = outChannels;
            stages.Add((block, x));
        }

        var average = g.Flatten(g.GlobalAveragePool(x));
        stages.Add(("global_average", average));
        var fc = weights.Get("fc", channels, DescriptorSize);
        var descriptor = g.Dense(average, "fc", fc.MatrixOutIn(), null, DescriptorSize, channels);
        g.Output(g.Name(descriptor, OutputName), DescriptorSize);

        if (exposeIntermediates)
        {
            foreach (var (name, tensor) in stages)
                g.Output(g.Name(tensor, name));
        }
        return g.Build();
    }

    private static string Residual(OnnxGraphBuilder g, TfjsWeights weights, string x, string block, int channels)
    {
        var y = Conv(g, weights, x, $"{block}/conv1", channels, channels, 3, padding: 1, relu: true);
        y = Conv(g, weights, y, $"{block}/conv2", channels, channels, 3, padding: 1, relu: false);
        return g.Relu(g.Add(y, x));
    }

    private static string ResidualDown(OnnxGraphBuilder g, TfjsWeights weights, string x, string block,
        int inChannels, int outChannels, ref int size)
    {
        var y = Conv(g, weights, x, $"{block}/conv1", inChannels, outChannels, 3, stride: 2, relu: true);
        y = Conv(g, weights, y, $"{block}/conv2", outChannels, outChannels, 3, padding: 1, relu: false);
        var convolved = (size - 3) / 2 + 1;
        var pooledSize = size / 2;
        if (pooledSize < convolved)
            throw new InvalidOperationException($"{block}: shortcut of {pooledSize} pixels, convolution of {convolved}");
        var shortcut = g.ZeroPadChannels(g.AveragePool(x, 2, 2), outChannels - inChannels);
        y = g.ZeroPad(y, 0, 0, pooledSize - convolved, pooledSize - convolved);
        size = pooledSize;
        return g.Relu(g.Add(shortcut, y));
    }

    /// <summary>Convolution (weights <c>NAME/conv/filters</c>, <c>/conv/bias</c>), scale layer, optional ReLU.</summary>
    private static string Conv(OnnxGraphBuilder g, TfjsWeights weights, string x, string name, int inChannels,
        int outChannels, int kernel, int stride = 1, int padding = 0, bool relu = false)
    {
        var filters = weights.Get($"{name}/conv/filters", kernel, kernel, inChannels, outChannels);
        var bias = weights.Get($"{name}/conv/bias", outChannels);
        var scale = weights.Get($"{name}/scale/weights", outChannels);
        var shift = weights.Get($"{name}/scale/biases", outChannels);
        var y = g.ConvChannelAffine(x, name, filters.ConvKernelOutInHeightWidth(), bias.Values, outChannels,
            inChannels, kernel, kernel, scale.Values, shift.Values, stride, padding);
        return relu ? g.Relu(y) : y;
    }
}
