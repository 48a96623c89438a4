using Onnx;
using Visage.Execution;

namespace Visage.Tests.Execution;

public sealed class OnnxRewritesTests
{
    [Fact]
    public void PReLU_as_depthwise_convolutions_gives_the_same_outputs_without_a_PReLU()
    {
        var model = ScriptedBackends.TinyPReluModel();
        var rewritten = ModelProto.Parser.ParseFrom(model.BytesFor(GraphRewrite.PReluAsDepthwise));

        Assert.Equal([GraphRewrite.PReluAsDepthwise], model.Rewrites);
        Assert.DoesNotContain(rewritten.Graph.Node, n => n.OpType == "PRelu");
        Assert.Equal(2, rewritten.Graph.Node.Count(n => n.OpType == "Conv" && n.Attribute.Any(a => a.Name == "group" && a.I == 3)));
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
    public void A_graph_without_PReLU_has_nothing_to_rewrite()
    {
        Assert.Empty(ScriptedBackends.TinyModel().Rewrites);
    }
}
