namespace Visage.Benchmarking;

/// <summary>
/// A benchmark's step: the phase, and photos done of the total (0 of 0 for a step without a count); a
/// <see cref="Detail"/> is worth a live status line but not a line of its own in a log.
/// </summary>
public sealed record BenchmarkProgress(string Phase, int Done = 0, int Total = 0, bool Detail = false);
