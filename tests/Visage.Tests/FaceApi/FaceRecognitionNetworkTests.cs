using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;
using OpenCvSharp;
using Visage.Models.FaceApi;
using Activation = Visage.Tests.FaceApi.ReferenceFaceRecognitionNet.Activation;

namespace Visage.Tests.FaceApi;

[Collection(FaceApiModelCollection.Name)]
public sealed class FaceRecognitionNetworkTests(FaceApiModel model)
{
    private const int Size = FaceRecognitionNetwork.InputSize;
    private const double Tolerance = 1e-4;

    /// <summary>The middle 150x150 of an LFW photo (250x250, the face centred), RGB, channels last.</summary>
    private static byte[] RealChip(string person)
    {
        using var photo = Cv2.ImRead(LfwPhotos.Photo(person, 1), ImreadModes.Color);
        using var middle = new Mat(photo, new Rect((photo.Width - Size) / 2, (photo.Height - Size) / 2, Size, Size));
        using var rgb = new Mat();
        Cv2.CvtColor(middle, rgb, ColorConversionCodes.BGR2RGB);
        var bytes = new byte[Size * Size * 3];
        for (var y = 0; y < Size; y++)
        for (var x = 0; x < Size; x++)
        {
            var p = rgb.At<Vec3b>(y, x);
            bytes[(y * Size + x) * 3] = p.Item0;
            bytes[(y * Size + x) * 3 + 1] = p.Item1;
            bytes[(y * Size + x) * 3 + 2] = p.Item2;
        }
        return bytes;
    }

    /// <summary>Channels-last RGB bytes of several images as the graph's [batch, 3, 150, 150] input.</summary>
    private static DenseTensor<float> Input(params byte[][] images)
    {
        var input = new DenseTensor<float>([images.Length, 3, Size, Size]);
        for (var n = 0; n < images.Length; n++)
        for (var y = 0; y < Size; y++)
        for (var x = 0; x < Size; x++)
        for (var c = 0; c < 3; c++)
            input[n, c, y, x] = images[n][(y * Size + x) * 3 + c];
        return input;
    }

    /// <summary>Sample <paramref name="n"/> of an output tensor, [batch, c, h, w] or [batch, c], channels last.</summary>
    private static Activation ChannelsLast(Tensor<float> tensor, int n)
    {
        var dims = tensor.Dimensions;
        int c = dims[1], h = dims.Length == 4 ? dims[2] : 1, w = dims.Length == 4 ? dims[3] : 1;
        var values = new float[h * w * c];
        for (var y = 0; y < h; y++)
        for (var x = 0; x < w; x++)
        for (var ch = 0; ch < c; ch++)
            values[(y * w + x) * c + ch] = dims.Length == 4 ? tensor[n, ch, y, x] : tensor[n, ch];
        return new Activation(h, w, c, values);
    }

    private static Dictionary<string, Activation> RunGraph(string modelFolder, int sample, params byte[][] images)
    {
        using var session = new InferenceSession(FaceRecognitionNetwork.Build(modelFolder, exposeIntermediates: true));
        using var results = session.Run(
            [NamedOnnxValue.CreateFromTensor(FaceRecognitionNetwork.InputName, Input(images))]);
        return results.ToDictionary(r => r.Name, r => ChannelsLast(r.AsTensor<float>(), sample));
    }

    private static void AssertClose(Activation expected, Activation actual, string stage)
    {
        Assert.True((expected.Height, expected.Width, expected.Channels) == (actual.Height, actual.Width, actual.Channels),
            $"{stage}: graph gives {actual.Height}x{actual.Width}x{actual.Channels}, " +
            $"reference {expected.Height}x{expected.Width}x{expected.Channels}");
        var worst = 0.0;
        var at = 0;
        for (var i = 0; i < expected.Values.Length; i++)
        {
            var error = Math.Abs(expected.Values[i] - actual.Values[i]) / Math.Max(1, Math.Abs(expected.Values[i]));
            if (error > worst) (worst, at) = (error, i);
        }
        Assert.True(worst <= Tolerance,
            $"{stage}: value {at} is {actual.Values[at]} in the graph, {expected.Values[at]} in the reference");
    }

    [Fact]
    public void Every_stage_of_the_graph_matches_plain_loops_over_the_tfjs_weights_on_a_real_face()
    {
        var chip = RealChip("Aaron_Peirsol");
        var graph = RunGraph(model.Folder, 0, chip);
        var reference = new ReferenceFaceRecognitionNet(TfjsWeights.Load(
            Path.Combine(model.Folder, FaceRecognitionNetwork.ManifestFileName)));

        // Stage by stage, each from the graph's previous output, so an error shows where it arises.
        var previous = ReferenceFaceRecognitionNet.Normalize(Size, Size, chip);
        foreach (var (name, run) in reference.Stages)
        {
            AssertClose(run(previous), graph[name], name);
            previous = graph[name];
        }

        // And all the way through from the pixels: the errors do not grow past the tolerance.
        var descriptor = reference.Run(ReferenceFaceRecognitionNet.Normalize(Size, Size, chip));
        AssertClose(descriptor, graph[FaceRecognitionNetwork.OutputName], "descriptor from the pixels");
    }

    [Fact]
    public void Stages_have_the_shapes_of_face_api_and_dlib()
    {
        var graph = RunGraph(model.Folder, 0, RealChip("Aaron_Peirsol"));

        // 150 -> 72 (7x7 stride 2) -> 35 (max pool) -> 17 -> 8 -> 4 (3 from the convolution, padded) -> 2.
        (string, int, int)[] expected =
        [
            ("conv32_down", 72, 32), ("max_pool", 35, 32), ("conv32_3", 35, 32), ("conv64_down", 17, 64),
            ("conv128_down", 8, 128), ("conv256_down", 4, 256), ("conv256_down_out", 2, 256),
        ];
        foreach (var (name, side, channels) in expected)
            Assert.Equal((side, side, channels), (graph[name].Height, graph[name].Width, graph[name].Channels));
        Assert.Equal(FaceRecognitionNetwork.DescriptorSize, graph[FaceRecognitionNetwork.OutputName].Channels);
    }

    [Fact]
    public void A_batch_gives_each_face_the_descriptor_it_gets_alone()
    {
        var first = RealChip("Aaron_Peirsol");
        var second = RealChip("Abel_Pacheco");

        var alone = RunGraph(model.Folder, 0, second)[FaceRecognitionNetwork.OutputName];
        var batched = RunGraph(model.Folder, 1, first, second)[FaceRecognitionNetwork.OutputName];

        AssertClose(alone, batched, "second face of a batch");
    }

    [Fact]
    public void A_folder_without_the_manifest_is_an_error_naming_it()
    {
        var folder = Path.Combine(Path.GetTempPath(), $"visage-no-model-{Guid.NewGuid():N}");

        var e = Assert.Throws<VisageException>(() => FaceRecognitionNetwork.Build(folder));

        Assert.Contains(Path.Combine(folder, FaceRecognitionNetwork.ManifestFileName), e.Message);
    }
}
