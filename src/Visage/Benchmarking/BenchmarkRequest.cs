using Visage.Execution;

namespace Visage.Benchmarking;

/// <summary>
/// What to measure: the first <see cref="Count"/> photos (ordinal order of path) under
/// <see cref="ImagesFolder"/> and its subfolders, each stage on one thread, then all of them on
/// <see cref="Workers"/> threads (null: every core). <see cref="SaveNetworksTo"/> writes the networks as run,
/// with a manifest, for a peer implementation to run the very same ones.
/// </summary>
public sealed record BenchmarkRequest(
    string ImagesFolder,
    int Count = 200,
    int? Workers = null,
    ExecutionTuning Tuning = ExecutionTuning.Auto,
    string? SaveNetworksTo = null);
