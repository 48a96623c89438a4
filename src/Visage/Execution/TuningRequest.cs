namespace Visage.Execution;

/// <summary>
/// What the tuner needs to know about a network's use: the range its inputs take (the tuner feeds it
/// deterministic pseudo-random items in that range) and how many items a typical run holds (faces of a photo,
/// mirrored ones included), for deciding whether to run them together.
/// <see cref="Quantised"/> marks an int8 network: its plans are checked against its integer kernels (ONNX Runtime at
/// the extended level, which fuses them) within <see cref="QuantisedTolerance"/>, not against the graph as written,
/// which emulates those kernels in float and rounds differently.
/// </summary>
internal sealed record TuningRequest(float InputMin, float InputMax, int TypicalBatch = 1, bool Quantised = false)
{
    /// <summary>How far an int8 network's plans may stray from its reference, relative to the outputs' scale.</summary>
    public const double QuantisedTolerance = 0.02;

    /// <summary>The plan every candidate is checked against.</summary>
    public ExecutionPlan Reference => Quantised
        ? new ExecutionPlan(ExecutionBackend.OnnxRuntime, GraphOptimization.Extended, 1, int.MaxValue)
        : ExecutionPlan.Reference;
}
