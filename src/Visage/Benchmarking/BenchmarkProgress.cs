namespace Visage.Benchmarking;

/// <summary>A benchmark's step: the phase, and photos done of the total (0 of 0 for a step without a count).</summary>
public sealed record BenchmarkProgress(string Phase, int Done = 0, int Total = 0);
