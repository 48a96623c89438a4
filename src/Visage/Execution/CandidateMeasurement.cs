namespace Visage.Execution;

/// <summary>What became of one way to run a network when it was tuned.</summary>
internal enum CandidateStatus
{
    /// <summary>Timed to the last round.</summary>
    Measured,

    /// <summary>Dropped after the first rounds: clearly slower than the best.</summary>
    Pruned,

    /// <summary>Its outputs differ from ONNX Runtime's reference by more than the tolerance.</summary>
    Disagrees,

    /// <summary>The back end could not load or run the network.</summary>
    Failed,
}

/// <summary>
/// One candidate plan's measurements: the median and 90th percentile of its milliseconds per item over
/// <see cref="Runs"/> timed runs, and its largest difference from the reference outputs (relative to the
/// outputs' scale).
/// </summary>
internal sealed record CandidateMeasurement(
    ExecutionPlan Plan,
    CandidateStatus Status,
    double? MedianMs,
    double? P90Ms,
    int Runs,
    double? Difference,
    string? Note = null);
