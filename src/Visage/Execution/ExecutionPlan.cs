using System.Globalization;

namespace Visage.Execution;

/// <summary>
/// One way to run a network: the library, ONNX Runtime's graph optimisation level, intra-op threads, how
/// many items go through the network in one run (1: each face alone; more: chunks of that size), and the form
/// of the graph (as written, or an equivalent rewrite).
/// </summary>
internal sealed record ExecutionPlan(
    ExecutionBackend Backend,
    GraphOptimization Optimization,
    int Threads,
    int BatchSize,
    GraphRewrite Rewrite = GraphRewrite.None)
{
    /// <summary>What the networks always ran with before plans: ONNX Runtime at its full optimisation level.</summary>
    public static ExecutionPlan Default(int threads) =>
        new(ExecutionBackend.OnnxRuntime, GraphOptimization.All, threads, int.MaxValue);

    /// <summary>The plan outputs are checked against: ONNX Runtime running the graph as written, one thread.</summary>
    public static ExecutionPlan Reference { get; } =
        new(ExecutionBackend.OnnxRuntime, GraphOptimization.None, 1, int.MaxValue);

    public string Describe()
    {
        var backend = Backend == ExecutionBackend.OnnxRuntime
            ? $"onnxruntime {Optimization.ToString().ToLowerInvariant()}"
            : "opencv-dnn";
        if (Rewrite == GraphRewrite.PReluAsDepthwise) backend += ", PReLU as depthwise";
        if (Rewrite == GraphRewrite.ZeroConcatAsPad) backend += ", zero concats as pads";
        if (Rewrite == GraphRewrite.ZeroConcatAsSplitConv) backend += ", zero concats as split convolutions";
        var threads = Threads <= 0 ? "all cores" : Threads == 1 ? "1 thread" : $"{Threads} threads";
        var batch = BatchSize == int.MaxValue ? "whole batch" : BatchSize == 1 ? "one at a time"
            : string.Create(CultureInfo.InvariantCulture, $"batches of {BatchSize}");
        return $"{backend}, {threads}, {batch}";
    }

    public override string ToString() => Describe();
}
