using Visage.Models.Onnx;

namespace Visage.Models.Seed;

/// <summary>
/// The seed article's FaceNet: OpenFace nn4.small2 as rebuilt in Keras (deeplearning.ai variant), built
/// as an ONNX graph from the seed's weights folder. Input [batch, 3, 96, 96] RGB in [0, 1]; output 128
/// numbers of unit length. Every convolution is followed by batch normalisation (folded into it) and ReLU;
/// padding is explicit and comes after the activation, as in the Keras model.
/// </summary>
internal static class SeedNetwork
{
    public const int InputSize = 96;
    public const int EmbeddingSize = 128;
    public const string InputName = "input";
    public const string OutputName = "embedding";

    /// <summary>The parameters of the network as the Keras model counts them (batch-norm statistics included).</summary>
    public const long ParameterCount = 3_743_280;

    /// <summary>Named intermediate outputs, for checking the graph against the published shapes.</summary>
    public static readonly IReadOnlyList<string> IntermediateOutputs =
        ["inception_3a", "inception_3c", "inception_4e", "features"];

    public sealed record Built(byte[] Onnx, long ParameterCount, string Fingerprint, int FilesRead);

    public static Built Build(string weightsFolder, bool exposeIntermediates = false)
    {
        var weights = new SeedWeightsFolder(weightsFolder);
        var g = new OnnxGraphBuilder("nn4_small2_seed");
        var x = g.Input(InputName, 3, InputSize, InputSize);

        // Stem: 96 -> 48 -> 24 -> 12.
        x = g.ZeroPad(x, 3);
        x = Conv(g, weights, x, "conv1", "bn1", 3, 64, 7, stride: 2, epsilon: 1e-3f);
        x = g.MaxPool(g.ZeroPad(x, 1), 3, 2);
        x = Conv(g, weights, x, "conv2", "bn2", 64, 64, 1);
        x = g.ZeroPad(x, 1);
        x = Conv(g, weights, x, "conv3", "bn3", 64, 192, 3);
        x = g.MaxPool(g.ZeroPad(x, 1), 3, 2);

        var i3a = g.Concat(
            TwoConv(g, weights, x, "inception_3a_3x3", 192, 96, 128, 3, pad: 1),
            TwoConv(g, weights, x, "inception_3a_5x5", 192, 16, 32, 5, pad: 2),
            g.ZeroPad(OneConv(g, weights, g.MaxPool(x, 3, 2), "inception_3a_pool", 192, 32), 3, 3, 4, 4),
            OneConv(g, weights, x, "inception_3a_1x1", 192, 64));

        var i3b = g.Concat(
            TwoConv(g, weights, i3a, "inception_3b_3x3", 256, 96, 128, 3, pad: 1),
            TwoConv(g, weights, i3a, "inception_3b_5x5", 256, 32, 64, 5, pad: 2),
            g.ZeroPad(OneConv(g, weights, g.AveragePool(i3a, 3, 3), "inception_3b_pool", 256, 64), 4),
            OneConv(g, weights, i3a, "inception_3b_1x1", 256, 64));

        var i3c = g.Concat(
            TwoConv(g, weights, i3b, "inception_3c_3x3", 320, 128, 256, 3, pad: 1, stride: 2),
            TwoConv(g, weights, i3b, "inception_3c_5x5", 320, 32, 64, 5, pad: 2, stride: 2),
            g.ZeroPad(g.MaxPool(i3b, 3, 2), 0, 0, 1, 1));

        var i4a = g.Concat(
            TwoConv(g, weights, i3c, "inception_4a_3x3", 640, 96, 192, 3, pad: 1),
            TwoConv(g, weights, i3c, "inception_4a_5x5", 640, 32, 64, 5, pad: 2),
            g.ZeroPad(OneConv(g, weights, g.AveragePool(i3c, 3, 3), "inception_4a_pool", 640, 128), 2),
            OneConv(g, weights, i3c, "inception_4a_1x1", 640, 256));

        var i4e = g.Concat(
            TwoConv(g, weights, i4a, "inception_4e_3x3", 640, 160, 256, 3, pad: 1, stride: 2),
            TwoConv(g, weights, i4a, "inception_4e_5x5", 640, 64, 128, 5, pad: 2, stride: 2),
            g.ZeroPad(g.MaxPool(i4a, 3, 2), 0, 0, 1, 1));

        var i5a = g.Concat(
            TwoConv(g, weights, i4e, "inception_5a_3x3", 1024, 96, 384, 3, pad: 1),
            g.ZeroPad(OneConv(g, weights, g.AveragePool(i4e, 3, 3), "inception_5a_pool", 1024, 96), 1),
            OneConv(g, weights, i4e, "inception_5a_1x1", 1024, 256));

        var i5b = g.Concat(
            TwoConv(g, weights, i5a, "inception_5b_3x3", 736, 96, 384, 3, pad: 1),
            g.ZeroPad(OneConv(g, weights, g.MaxPool(i5a, 3, 2), "inception_5b_pool", 736, 96), 1),
            OneConv(g, weights, i5a, "inception_5b_1x1", 736, 256));

        var features = g.Flatten(g.AveragePool(i5b, 3, 1));
        var dense = g.Dense(features, "dense_layer",
            weights.Read("dense_w.csv", EmbeddingSize * 736L), weights.Read("dense_b.csv", EmbeddingSize),
            EmbeddingSize, 736);
        g.Output(g.Name(g.L2Normalize(dense), OutputName), EmbeddingSize);

        if (exposeIntermediates)
        {
            g.Output(g.Name(i3a, "inception_3a"));
            g.Output(g.Name(i3c, "inception_3c"));
            g.Output(g.Name(i4e, "inception_4e"));
            g.Output(g.Name(features, "features"));
        }
        return new Built(g.Build(), g.ParameterCount, weights.Fingerprint(), weights.FilesRead);
    }

    private static string Conv(OnnxGraphBuilder g, SeedWeightsFolder weights, string x, string convName,
        string normName, int inChannels, int outChannels, int kernel, int stride = 1, float epsilon = 1e-5f)
    {
        var (w, b) = weights.Conv(convName, outChannels, inChannels, kernel, kernel);
        var norm = weights.BatchNorm(normName, outChannels, epsilon);
        return g.Relu(g.ConvBatchNorm(x, convName, w, b, outChannels, inChannels, kernel, kernel, norm, stride));
    }

    /// <summary>A branch of one 1x1 convolution: <c>BRANCH_conv</c>, <c>BRANCH_bn</c>.</summary>
    private static string OneConv(OnnxGraphBuilder g, SeedWeightsFolder weights, string x, string branch,
        int inChannels, int outChannels) =>
        Conv(g, weights, x, $"{branch}_conv", $"{branch}_bn", inChannels, outChannels, 1);

    /// <summary>A 1x1 reduction, zero padding, then a k x k convolution: <c>BRANCH_conv1/bn1/conv2/bn2</c>.</summary>
    private static string TwoConv(OnnxGraphBuilder g, SeedWeightsFolder weights, string x, string branch,
        int inChannels, int middle, int outChannels, int kernel, int pad, int stride = 1)
    {
        var reduced = Conv(g, weights, x, $"{branch}_conv1", $"{branch}_bn1", inChannels, middle, 1);
        return Conv(g, weights, g.ZeroPad(reduced, pad), $"{branch}_conv2", $"{branch}_bn2", middle, outChannels,
            kernel, stride);
    }
}
