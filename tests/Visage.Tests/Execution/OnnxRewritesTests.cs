using Onnx;
using OpenCvSharp;
using Visage.Execution;
using Visage.Models;
using Visage.Tests.TestData;

namespace Visage.Tests.Execution;

public sealed class OnnxRewritesTests
{
    [Theory]
    [InlineData(new[] { 0.1f, -0.2f, 0.25f }, true)]
    [InlineData(new[] { 0.1f, 1.5f, 0.25f }, false)] // a slope above 1: (1 - s) relu(x) is not relu((1 - s) x)
    public void PReLU_as_depthwise_convolutions_gives_the_same_outputs_without_a_PReLU(float[] slopes, bool reluAfterConvolution)
    {
        var model = ScriptedBackends.TinyPReluModel(slopes: slopes);
        var rewritten = ModelProto.Parser.ParseFrom(model.BytesFor(GraphRewrite.PReluAsDepthwise));

        Assert.Equal([GraphRewrite.PReluAsDepthwise], model.Rewrites);
        Assert.DoesNotContain(rewritten.Graph.Node, n => n.OpType == "PRelu");
        var depthwise = rewritten.Graph.Node.Where(n => n.OpType == "Conv" && n.Attribute.Any(a => a.Name == "group" && a.I == 3)).ToList();
        Assert.Equal(2, depthwise.Count);
        var relu = rewritten.Graph.Node.Single(n => n.OpType == "Relu");
        Assert.Equal(reluAfterConvolution, depthwise.Any(c => c.Output[0] == relu.Input[0]));
        Assert.DoesNotContain(rewritten.Graph.Initializer, i => i.Name == "slope");

        var random = new Random(7);
        var input = Enumerable.Range(0, 4 * model.ItemSize).Select(_ => random.NextSingle() * 4 - 2).ToArray();
        using var asWritten = new OnnxRuntimeRunner(model, GraphOptimization.None, 1);
        using var asRewritten = new OnnxRuntimeRunner(model, GraphOptimization.All, 1, GraphRewrite.PReluAsDepthwise);
        var expected = asWritten.Run(input, 4);
        var actual = asRewritten.Run(input, 4);

        Assert.Contains(expected[0], v => v < 0); // the negative side of the PReLU is exercised
        Assert.InRange(ExecutionTuner.Difference(actual, expected), 0, 1e-6);
    }

    [Fact]
    public async Task BlazeFaces_zero_padded_channels_as_Pads_give_the_same_outputs_on_an_LFW_photo()
    {
        var store = new ModelStore(VisageHome.FromEnvironment());
        await store.EnsureAsync("blazeface", [ModelCatalog.BlazeFaceFront]);
        var model = OnnxModel.FromFile(store.FilePath(ModelCatalog.BlazeFaceFront));
        var original = ModelProto.Parser.ParseFrom(model.Bytes);
        var rewritten = ModelProto.Parser.ParseFrom(model.BytesFor(GraphRewrite.ZeroConcatAsPad));

        Assert.Contains(GraphRewrite.ZeroConcatAsPad, model.Rewrites);
        var padded = original.Graph.Node.Count(n => n.OpType == "ConstantOfShape");
        Assert.True(padded > 0);
        Assert.Equal(padded, rewritten.Graph.Node.Count(n => n.OpType == "Pad"));
        Assert.DoesNotContain(rewritten.Graph.Node, n => n.OpType is "ConstantOfShape" or "Concat");

        AssertSameOutputsOnAnLfwPhoto(model, GraphRewrite.ZeroConcatAsPad);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task BlazeFaces_zero_padded_residual_blocks_as_split_convolutions_give_the_same_outputs_on_an_LFW_photo(bool front)
    {
        var file = front ? ModelCatalog.BlazeFaceFront : ModelCatalog.BlazeFaceBack;
        var store = new ModelStore(VisageHome.FromEnvironment());
        await store.EnsureAsync("blazeface", [file]);
        var model = OnnxModel.FromFile(store.FilePath(file));
        var original = ModelProto.Parser.ParseFrom(model.Bytes);
        var rewritten = ModelProto.Parser.ParseFrom(model.BytesFor(GraphRewrite.ZeroConcatAsSplitConv));

        Assert.Contains(GraphRewrite.ZeroConcatAsSplitConv, model.Rewrites);
        Assert.Contains(original.Graph.Node, n => n.OpType == "ConstantOfShape");
        Assert.DoesNotContain(rewritten.Graph.Node, n => n.OpType is "ConstantOfShape" or "Pad");
        // Every convolution reads whole blocks of 8 channels (what keeps ONNX Runtime in its blocked layout),
        // except the first, which reads the three colours.
        var weights = rewritten.Graph.Initializer.ToDictionary(i => i.Name);
        foreach (var conv in rewritten.Graph.Node.Where(n => n.OpType == "Conv").Skip(1))
        {
            var dims = weights[conv.Input[1]].Dims;
            var group = conv.Attribute.FirstOrDefault(a => a.Name == "group")?.I ?? 1;
            Assert.True(dims[1] * group % 8 == 0, $"{conv.Name} reads {dims[1] * group} channels");
        }

        AssertSameOutputsOnAnLfwPhoto(model, GraphRewrite.ZeroConcatAsSplitConv);
    }

    /// <summary>
    /// A BlazeFace model rewritten (ONNX Runtime, full optimisation) gives the outputs of the graph as written
    /// (no optimisation) within 1e-4 on the first LFW photo, where it scores a face.
    /// </summary>
    private static void AssertSameOutputsOnAnLfwPhoto(OnnxModel model, GraphRewrite rewrite)
    {
        var values = LfwPhotoAsBlazeFaceInput(model.ItemShape[0]);
        using var asWritten = new OnnxRuntimeRunner(model, GraphOptimization.None, 1);
        using var asRewritten = new OnnxRuntimeRunner(model, GraphOptimization.All, 1, rewrite);
        var expected = asWritten.Run(values, 1);
        var actual = asRewritten.Run(values, 1);

        Assert.Equal(expected.Length, actual.Length);
        Assert.InRange(ExecutionTuner.Difference(actual, expected), 0, 1e-4);
        // A face scored (in either layer of anchors): the photo went through for real.
        Assert.Contains(expected[model.OutputIndex("Identity:0")].Concat(expected[model.OutputIndex("Identity_1:0")]), logit => logit > 0);
    }

    /// <summary>The first LFW photo as the detector feeds it: size x size RGB in [-1, 1], channels last.</summary>
    private static float[] LfwPhotoAsBlazeFaceInput(int size)
    {
        using var photo = Cv2.ImRead(Directory.GetFiles(Directory.GetDirectories(SharedData.LfwImages).Order(StringComparer.Ordinal).First())[0]);
        using var small = new Mat();
        Cv2.Resize(photo, small, new Size(size, size));
        Cv2.CvtColor(small, small, ColorConversionCodes.BGR2RGB);
        using var input = new Mat();
        small.ConvertTo(input, MatType.CV_32FC3, 1 / 127.5, -1);
        var values = new float[size * size * 3];
        System.Runtime.InteropServices.Marshal.Copy(input.Data, values, 0, values.Length);
        return values;
    }

    [Fact]
    public void A_graph_without_PReLU_has_nothing_to_rewrite()
    {
        Assert.Empty(ScriptedBackends.TinyModel().Rewrites);
    }
}
