namespace Visage.Execution;

/// <summary>
/// Loads each network of a pipeline with the plan chosen for this machine: from the plan cache, else by
/// tuning it there and then (seconds, reported through <c>progress</c>: each step, with the tuner's many small
/// ones marked as details), else, with tuning off, ONNX Runtime's
/// defaults. <paramref name="threads"/> is the pipeline's thread budget: 1 for a pipeline that shares the
/// machine with others working in parallel (the one-thread plan), otherwise the all-cores plan, whose threads
/// are capped at the budget.
/// </summary>
internal sealed class ExecutionPlanner(
    PlanCache? cache,
    ExecutionTuning tuning,
    int? threads,
    IProgress<PlanningStep>? progress = null,
    INetworkRunnerFactory? factory = null,
    ITuningClock? clock = null,
    TunerSettings? settings = null,
    int? cores = null)
{
    private readonly INetworkRunnerFactory _factory = factory ?? NetworkRunnerFactory.Instance;
    private readonly int _cores = cores ?? MachineProfile.Current.Cores;
    private readonly List<NetworkPlanChoice> _choices = [];

    public static ExecutionPlanner ForHome(VisageHome home, ExecutionTuning tuning, int? threads,
        IProgress<PlanningStep>? progress = null, INetworkRunnerFactory? factory = null) =>
        new(new PlanCache(Path.Combine(home.Root, "plans"), MachineProfile.Current, PlanCache.CurrentLibraries),
            tuning, threads, progress, factory);

    /// <summary>Every network loaded so far, with its plan.</summary>
    public IReadOnlyList<NetworkPlanChoice> Choices => _choices;

    public PlannedNetwork Load(OnnxModel model, TuningRequest request, CancellationToken ct = default)
    {
        var (plan, source, report) = Choose(model, request, ct);
        _choices.Add(new NetworkPlanChoice(model, plan, source, report));
        return new PlannedNetwork(model, plan, _factory.Create(model, plan));
    }

    private (ExecutionPlan, PlanSource, TuningReport?) Choose(OnnxModel model, TuningRequest request, CancellationToken ct)
    {
        if (tuning == ExecutionTuning.Off)
            return (ExecutionPlan.Default(threads ?? 0), PlanSource.Default, null);

        var report = tuning == ExecutionTuning.Auto ? cache?.Find(model, request) : null;
        var source = PlanSource.Cached;
        if (report is null)
        {
            progress?.Report(new PlanningStep($"choosing how to run {model.Name} on this machine (once, seconds)"));
            report = new ExecutionTuner(_factory, clock ?? DefaultTuningClock.Instance, _cores, settings)
                .Tune(model, request, progress is null ? null : new Details(progress), ct);
            progress?.Report(new PlanningStep(
                $"{model.Name}: {report.OneThread.Describe()} on one thread; {report.AllCores.Describe()} on all cores"));
            source = PlanSource.Tuned;
            if (cache is not null && !cache.Store(model, request, report))
                progress?.Report(new PlanningStep(
                    $"could not save the plan for {model.Name} in {cache.Folder}: it will be tuned again next time"));
        }
        var budget = threads ?? _cores;
        var plan = report.For(budget);
        if (plan.Threads > budget) plan = plan with { Threads = budget };
        return (plan, source, report);
    }

    private sealed class Details(IProgress<PlanningStep> progress) : IProgress<string>
    {
        public void Report(string value) => progress.Report(new PlanningStep(value, Detail: true));
    }
}

/// <summary>A step of choosing plans; <see cref="Detail"/> for the tuner's many small steps.</summary>
internal sealed record PlanningStep(string Text, bool Detail = false);
