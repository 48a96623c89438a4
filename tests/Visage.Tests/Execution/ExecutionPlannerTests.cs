using Visage.Execution;
using Visage.Tests.TestData;

namespace Visage.Tests.Execution;

/// <summary>
/// Plans are tuned once per machine, libraries and network, cached in the Visage home, and re-tuned on
/// request or when anything in their key changes.
/// </summary>
public sealed class ExecutionPlannerTests : IDisposable
{
    private static readonly TuningRequest Request = new(-1f, 1f, TypicalBatch: 4);
    private static readonly MachineProfile Machine = new("Test CPU (family 1 model 2)", 2, "avx2 fma");
    private static readonly ExecutionPlan Fastest = new(ExecutionBackend.OpenCvDnn, GraphOptimization.None, 1, 1);

    private readonly TempFolder _home = new();

    public void Dispose() => _home.Dispose();

    private PlanCache Cache(MachineProfile? machine = null, string libraries = "onnxruntime 1, opencv 4") =>
        new(_home.File("plans"), machine ?? Machine, libraries);

    private static ScriptedBackends Backends() => new()
    {
        Times = (p, _) => (p with { BatchSize = 1 } == Fastest ? 5 : 20) * p.BatchSize,
    };

    private static ExecutionPlanner Planner(PlanCache cache, ScriptedBackends backends,
        ExecutionTuning tuning = ExecutionTuning.Auto, int? threads = null, List<string>? progress = null) =>
        new(cache, tuning, threads, progress is null ? null : new SynchronousProgress(progress), backends, backends,
            cores: 2);

    [Fact]
    public void The_first_load_tunes_and_says_so_and_the_next_reads_the_cache()
    {
        var first = Backends();
        var steps = new List<string>();
        using (var network = Planner(Cache(), first, threads: 1, progress: steps).Load(ScriptedBackends.TinyModel(), Request))
            Assert.Equal(Fastest, network.Plan);
        Assert.True(first.Timings > 0);
        Assert.Contains(steps, s => s.Contains("choosing how to run tiny on this machine"));

        var second = Backends();
        var planner = Planner(Cache(), second, threads: 1);
        using var again = planner.Load(ScriptedBackends.TinyModel(), Request);

        Assert.Equal(Fastest, again.Plan);
        Assert.Equal(0, second.Timings);
        Assert.Equal(PlanSource.Cached, planner.Choices.Single().Source);
        Assert.Equal(Fastest, planner.Choices.Single().Report!.OneThread);
    }

    [Fact]
    public void Retune_times_again_and_replaces_the_cached_plan()
    {
        using (Planner(Cache(), Backends()).Load(ScriptedBackends.TinyModel(), Request))
        {
        }
        var slowerOpenCv = new ScriptedBackends
        {
            Times = (p, _) => (p.Backend == ExecutionBackend.OpenCvDnn ? 30 : p.Optimization == GraphOptimization.Basic ? 4 : 20) * p.BatchSize,
        };

        var planner = Planner(Cache(), slowerOpenCv, ExecutionTuning.Retune);
        using (var retuned = planner.Load(ScriptedBackends.TinyModel(), Request))
            Assert.Equal(GraphOptimization.Basic, retuned.Plan.Optimization);
        Assert.True(slowerOpenCv.Timings > 0);
        Assert.Equal(PlanSource.Tuned, planner.Choices.Single().Source);

        var cached = Backends();
        using var reread = Planner(Cache(), cached).Load(ScriptedBackends.TinyModel(), Request);
        Assert.Equal(GraphOptimization.Basic, reread.Plan.Optimization);
        Assert.Equal(0, cached.Timings);
    }

    [Fact]
    public void Another_network_machine_or_library_version_is_tuned_anew()
    {
        var model = ScriptedBackends.TinyModel();
        var cache = Cache();
        Assert.True(cache.Store(model, Request, Tuned(model)));
        Assert.NotNull(cache.Find(model, Request));

        Assert.Null(cache.Find(ScriptedBackends.TinyModel(weightScale: 0.2f), Request));
        Assert.Null(Cache(Machine with { Cpu = "Other CPU" }).Find(model, Request));
        Assert.Null(Cache(Machine with { Cores = 16 }).Find(model, Request));
        Assert.Null(Cache(Machine with { Instructions = "avx512f avx2 fma" }).Find(model, Request));
        Assert.Null(Cache(libraries: "onnxruntime 2, opencv 4").Find(model, Request));
        Assert.Null(cache.Find(model, Request with { TypicalBatch = 8 }));
    }

    [Fact]
    public void A_damaged_cache_file_is_ignored_and_replaced()
    {
        var model = ScriptedBackends.TinyModel();
        var cache = Cache();
        Directory.CreateDirectory(cache.Folder);
        File.WriteAllText(cache.PathOf(model, Request), "{ not json");

        var backends = Backends();
        using (var network = Planner(cache, backends, threads: 1).Load(model, Request))
            Assert.Equal(Fastest, network.Plan);

        Assert.True(backends.Timings > 0);
        Assert.NotNull(cache.Find(model, Request));
    }

    [Fact]
    public void Cached_plans_are_private_to_their_owner()
    {
        if (OperatingSystem.IsWindows()) return;
        var model = ScriptedBackends.TinyModel();
        var cache = Cache();
        Assert.True(cache.Store(model, Request, Tuned(model)));

        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(cache.PathOf(model, Request)));
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute,
            File.GetUnixFileMode(cache.Folder));
        Assert.Empty(Directory.GetFiles(cache.Folder, "*.partial"));
    }

    [Fact]
    public void A_cache_that_cannot_be_written_is_reported_and_the_plan_still_used()
    {
        var blocked = _home.Write("plans", [1]); // a file where the folder should be
        var steps = new List<string>();
        var backends = Backends();

        using var network = Planner(new PlanCache(blocked, Machine, "x"), backends, threads: 1, progress: steps)
            .Load(ScriptedBackends.TinyModel(), Request);

        Assert.Equal(Fastest, network.Plan);
        Assert.Contains(steps, s => s.Contains("could not save the plan for tiny"));
    }

    [Fact]
    public void One_thread_pipelines_get_the_one_thread_plan_and_others_the_all_cores_plan()
    {
        var backends = new ScriptedBackends
        {
            Times = (p, _) => (p.Threads == 2 && p.Optimization == GraphOptimization.All ? 2
                : p with { BatchSize = 1 } == Fastest ? 5 : 20) * p.BatchSize,
        };

        using var single = Planner(Cache(), backends, threads: 1).Load(ScriptedBackends.TinyModel(), Request);
        using var all = Planner(Cache(), backends).Load(ScriptedBackends.TinyModel(), Request);

        Assert.Equal(Fastest, single.Plan);
        Assert.Equal(new ExecutionPlan(ExecutionBackend.OnnxRuntime, GraphOptimization.All, 2, 1), all.Plan);
    }

    [Fact]
    public void With_tuning_off_nothing_is_timed_and_ONNX_Runtime_runs_at_its_full_level()
    {
        var backends = Backends();
        var planner = Planner(Cache(), backends, ExecutionTuning.Off, threads: 1);

        using var network = planner.Load(ScriptedBackends.TinyModel(), Request);

        Assert.Equal(ExecutionPlan.Default(1), network.Plan);
        Assert.Equal(0, backends.Timings);
        Assert.Equal(PlanSource.Default, planner.Choices.Single().Source);
        Assert.False(Directory.Exists(Cache().Folder));
    }

    private static TuningReport Tuned(OnnxModel model) =>
        new(model.Name, model.Sha256, 2, Fastest, Fastest,
            [new CandidateMeasurement(Fastest, CandidateStatus.Measured, 5, 6, 9, 0)]);

    private sealed class SynchronousProgress(List<string> steps) : IProgress<PlanningStep>
    {
        public void Report(PlanningStep value) => steps.Add(value.Text);
    }
}
