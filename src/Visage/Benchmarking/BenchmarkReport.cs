namespace Visage.Benchmarking;

/// <summary>
/// What <c>visage bench</c> measured. Stage times are milliseconds per face (a photo's time shared among its
/// faces, over photos with at least one face), on one thread: wall time, and the CPU time of the thread that
/// did the work, which other processes on a shared machine do not inflate the way they inflate wall time.
/// </summary>
public sealed record BenchmarkReport(
    string Model,
    BenchmarkMachine Machine,
    string Libraries,
    string ImagesFolder,
    int Photos,
    int Faces,
    int PhotosWithoutFaces,
    IReadOnlyList<StageTiming> Stages,
    StageTiming EndToEnd,
    ThroughputResult AllCores,
    MemoryResult Memory,
    IReadOnlyList<NetworkPlanReport> Plans,
    int Unreadable);

/// <summary>The machine, and its one-minute load average before and after the measurements.</summary>
public sealed record BenchmarkMachine(string Cpu, int Cores, string Instructions, double? LoadBefore, double? LoadAfter);

/// <summary>Milliseconds per face for one stage: medians and 95th percentiles of wall and thread CPU time.</summary>
public sealed record StageTiming(string Stage, double MedianMs, double P95Ms, double CpuMedianMs, double CpuP95Ms);

/// <summary>
/// Every photo decoded and recognised on <see cref="Workers"/> threads at once, one pipeline shared. Besides the
/// wall-clock rate, the CPU seconds the process used meanwhile: on a machine other processes keep busy the wall
/// rate falls with their load, while <see cref="PhotosPerCpuSecond"/> times the cores is what the same machine
/// would reach with nothing else running (as long as the work spreads over every core).
/// </summary>
public sealed record ThroughputResult(int Workers, int Photos, int Faces, double Seconds, double PhotosPerSecond,
    double FacesPerSecond, double CpuSeconds)
{
    public double PhotosPerCpuSecond => CpuSeconds > 0 ? Photos / CpuSeconds : 0;
}

/// <summary>
/// Resident memory of the process (bytes) before the pipeline was loaded, once it was loaded and had run on a
/// photo (ONNX Runtime and OpenCV allocate on first use), and after the whole benchmark. When the networks were
/// tuned during the load (<see cref="IncludesTuning"/>), the memory the tuner's candidates took stays counted
/// (freed native memory is not handed back at once): run the benchmark again for the pipeline alone.
/// </summary>
public sealed record MemoryResult(long BeforeLoad, long Loaded, long AfterRun, bool IncludesTuning)
{
    public long Pipeline => Loaded - BeforeLoad;
}

/// <summary>
/// How a network ran here (its one-thread plan, as bulk work runs it): the plan, whether it was cached or tuned
/// now, its median milliseconds per item when tuned, the plan a single pipeline on all cores uses, and the
/// machine's load average when it was tuned.
/// </summary>
public sealed record NetworkPlanReport(
    string Network,
    string Plan,
    string Backend,
    string Optimization,
    int Threads,
    int? BatchSize,
    string Source,
    double? TunedMedianMs,
    string? AllCoresPlan,
    double? LoadWhenTuned);
