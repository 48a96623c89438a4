using OpenCvSharp;

namespace Visage.Execution;

/// <summary>
/// Finds the fastest way to run a network on this machine: ONNX Runtime at each graph optimisation level and
/// OpenCV's DNN module, each on one thread and on all cores, then, for a network that takes a batch, whether
/// running a photo's faces together beats running them one by one. A candidate counts only when its outputs
/// agree with ONNX Runtime's reference (the graph as written, one thread) on the same inputs.
/// </summary>
internal sealed class ExecutionTuner(
    INetworkRunnerFactory factory,
    ITuningClock clock,
    int cores,
    TunerSettings? settings = null)
{
    private readonly TunerSettings _settings = settings ?? TunerSettings.Default;

    /// <summary>
    /// Every plan tried for a network, in a fixed order (ties go to the earlier one): the rewrites that change
    /// the graph (all of them without a model) at ONNX Runtime's full level, where they matter.
    /// </summary>
    public IReadOnlyList<ExecutionPlan> Candidates(OnnxModel? model = null)
    {
        int[] threadCounts = cores > 1 ? [1, cores] : [1];
        var rewrites = model?.Rewrites ?? Enum.GetValues<GraphRewrite>().Where(r => r != GraphRewrite.None).ToList();
        var plans = new List<ExecutionPlan>();
        foreach (var threads in threadCounts)
        {
            foreach (var level in new[] { GraphOptimization.All, GraphOptimization.Extended, GraphOptimization.Basic, GraphOptimization.None })
                plans.Add(new ExecutionPlan(ExecutionBackend.OnnxRuntime, level, threads, 1));
            foreach (var rewrite in rewrites)
                plans.Add(new ExecutionPlan(ExecutionBackend.OnnxRuntime, GraphOptimization.All, threads, 1, rewrite));
            plans.Add(new ExecutionPlan(ExecutionBackend.OpenCvDnn, GraphOptimization.None, threads, 1));
        }
        return plans;
    }

    public TuningReport Tune(OnnxModel model, TuningRequest request, IProgress<string>? progress = null,
        CancellationToken ct = default)
    {
        var loadBefore = MachineLoad.OneMinuteAverage();
        var tolerance = request.Quantised ? TuningRequest.QuantisedTolerance : _settings.Tolerance;
        var items = Math.Max(2, model.BatchDynamic ? Math.Max(request.TypicalBatch, _settings.SampleItems) : _settings.SampleItems);
        var samples = SampleInputs(model, request, items);
        var singles = Enumerable.Range(0, items).Select(i => samples.AsSpan(i * model.ItemSize, model.ItemSize).ToArray()).ToArray();

        progress?.Report($"{model.Name}: computing the reference outputs");
        float[][] reference;
        using (var runner = factory.Create(model, request.Reference))
            reference = RunOneByOne(runner, singles);

        var measurements = new List<CandidateMeasurement>();
        var alive = new List<Candidate>();
        try
        {
            // OpenCV's importer reads no per-channel QDQ graph (and logs its failure to standard error).
            var plans = Candidates(model).Where(p => !request.Quantised || p.Backend != ExecutionBackend.OpenCvDnn).ToList();
            foreach (var plan in plans)
            {
                ct.ThrowIfCancellationRequested();
                progress?.Report($"{model.Name}: loading and checking {plan.Describe()} ({alive.Count + measurements.Count + 1} of {plans.Count})");
                INetworkRunner? runner = null;
                try
                {
                    runner = factory.Create(model, plan);
                    float[][] outputs;
                    using (OpenCvThreads(plan)) outputs = RunOneByOne(runner, singles);
                    var difference = Difference(outputs, reference);
                    if (!(difference <= tolerance))
                    {
                        measurements.Add(new CandidateMeasurement(plan, CandidateStatus.Disagrees, null, null, 0, difference,
                            $"differs from the reference by {difference:g3} (tolerance {tolerance:g3})"));
                        runner.Dispose();
                        continue;
                    }
                    alive.Add(new Candidate(plan, runner, difference));
                    runner = null;
                }
                catch (Exception e) when (e is not OperationCanceledException)
                {
                    runner?.Dispose();
                    measurements.Add(new CandidateMeasurement(plan, CandidateStatus.Failed, null, null, 0, null,
                        FirstLine(e.Message)));
                }
            }
            if (alive.Count == 0)
                throw new VisageException($"{model.Name}: no back end could run the network ({string.Join("; ", measurements.Select(m => $"{m.Plan.Describe()}: {m.Note}"))})");

            var pruned = TimeRounds(model, alive, singles, progress, ct);
            measurements.AddRange(pruned);
            measurements.AddRange(alive.Select(c => c.Measurement(CandidateStatus.Measured)));

            var oneThread = alive.Where(c => InOneThreadPool(c.Plan)).MinBy(c => c.Median) ?? alive.MinBy(c => c.Median)!;
            var manyThreads = alive.Where(c => c.Plan.Threads > 1).MinBy(c => c.Median);
            var singleOnAllCores = alive.Where(c => InAllCoresPool(c.Plan) && c.Plan.Threads == 1).MinBy(c => c.Median)
                                   ?? oneThread;
            var allCores = manyThreads is not null && manyThreads.Median < _settings.MultiThreadMargin * singleOnAllCores.Median
                ? manyThreads
                : singleOnAllCores;

            var oneThreadPlan = oneThread.Plan;
            var allCoresPlan = allCores.Plan;
            if (model.BatchDynamic && request.TypicalBatch > 1)
            {
                oneThreadPlan = ChooseBatch(model, oneThread, request.TypicalBatch, samples, reference, measurements, tolerance, progress, ct);
                allCoresPlan = allCores == oneThread
                    ? oneThreadPlan
                    : ChooseBatch(model, allCores, request.TypicalBatch, samples, reference, measurements, tolerance, progress, ct);
            }
            return new TuningReport(model.Name, model.Sha256, cores, oneThreadPlan, allCoresPlan, measurements,
                loadBefore, MachineLoad.OneMinuteAverage());
        }
        finally
        {
            foreach (var candidate in alive) candidate.Runner.Dispose();
        }
    }

    /// <summary>Plans that may run a pipeline that has one thread (one of several side by side).</summary>
    private static bool InOneThreadPool(ExecutionPlan plan) => plan.Threads == 1;

    /// <summary>
    /// Plans that may run a pipeline that has every core. OpenCV runs on its own process-wide pool there, so
    /// only its timing on all cores applies.
    /// </summary>
    private bool InAllCoresPool(ExecutionPlan plan) =>
        plan.Backend != ExecutionBackend.OpenCvDnn || plan.Threads > 1 || cores == 1;

    /// <summary>
    /// Times every candidate in interleaved rounds; returns the measurements of those pruned on the way
    /// (removed from <paramref name="alive"/>).
    /// </summary>
    private List<CandidateMeasurement> TimeRounds(OnnxModel model, List<Candidate> alive, float[][] singles,
        IProgress<string>? progress, CancellationToken ct)
    {
        var pruned = new List<CandidateMeasurement>();
        foreach (var candidate in alive)
            using (OpenCvThreads(candidate.Plan)) candidate.Runner.Run(singles[0], 1); // warm-up, untimed
        var spent = 0.0;
        for (var round = 0; round < _settings.Rounds; round++)
        {
            ct.ThrowIfCancellationRequested();
            progress?.Report($"{model.Name}: timing {alive.Count} ways to run it, round {round + 1} of {_settings.Rounds}");
            var input = singles[round % singles.Length];
            for (var k = 0; k < alive.Count; k++)
            {
                var candidate = alive[(k + round) % alive.Count];
                using (OpenCvThreads(candidate.Plan))
                {
                    var ms = clock.Time(candidate.Plan, () => candidate.Runner.Run(input, 1));
                    candidate.Times.Add(ms);
                    spent += ms;
                }
            }
            if (round + 1 < _settings.PruneAfterRounds) continue;
            // Drop a candidate only when it is clearly slower than the best of every choice it could win.
            var bestOneThread = alive.Where(c => InOneThreadPool(c.Plan)).Select(c => c.Median).DefaultIfEmpty(double.PositiveInfinity).Min();
            var bestAllCores = alive.Where(c => InAllCoresPool(c.Plan)).Select(c => c.Median).DefaultIfEmpty(double.PositiveInfinity).Min();
            foreach (var slow in alive.Where(c =>
                         (!InOneThreadPool(c.Plan) || c.Median > _settings.PruneFactor * bestOneThread) &&
                         (!InAllCoresPool(c.Plan) || c.Median > _settings.PruneFactor * bestAllCores)).ToList())
            {
                pruned.Add(slow.Measurement(CandidateStatus.Pruned,
                    $"over {_settings.PruneFactor:0.#}x the best median after {slow.Times.Count} runs"));
                slow.Runner.Dispose();
                alive.Remove(slow);
            }
            if (round + 1 >= _settings.MinRounds && spent > _settings.TimeBudgetMs) break;
        }
        return pruned;
    }

    /// <summary>Whether the chosen plan runs a typical batch faster as one run than item by item.</summary>
    private ExecutionPlan ChooseBatch(OnnxModel model, Candidate chosen, int batch, float[] samples, float[][] reference,
        List<CandidateMeasurement> measurements, double tolerance, IProgress<string>? progress, CancellationToken ct)
    {
        var batched = chosen.Plan with { BatchSize = batch };
        var itemSize = model.ItemSize;
        var input = samples.AsSpan(0, batch * itemSize).ToArray();
        var singles = Enumerable.Range(0, batch).Select(i => samples.AsSpan(i * itemSize, itemSize).ToArray()).ToArray();
        progress?.Report($"{model.Name}: {chosen.Plan.Describe()}: {batch} items at once or one by one");
        double difference;
        try
        {
            float[][] outputs;
            using (OpenCvThreads(chosen.Plan)) outputs = chosen.Runner.Run(input, batch);
            var expected = reference.Select((r, o) => r.AsSpan(0, r.Length / (samples.Length / itemSize) * batch).ToArray()).ToArray();
            difference = Difference(outputs, expected);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            measurements.Add(new CandidateMeasurement(batched, CandidateStatus.Failed, null, null, 0, null, FirstLine(e.Message)));
            return chosen.Plan;
        }
        if (!(difference <= tolerance))
        {
            measurements.Add(new CandidateMeasurement(batched, CandidateStatus.Disagrees, null, null, 0, difference,
                $"differs from the reference by {difference:g3} (tolerance {tolerance:g3})"));
            return chosen.Plan;
        }

        var together = new Candidate(batched, chosen.Runner, difference);
        var apart = new Candidate(chosen.Plan, chosen.Runner, chosen.Difference);
        for (var round = 0; round < _settings.Rounds; round++)
        {
            ct.ThrowIfCancellationRequested();
            using (OpenCvThreads(chosen.Plan))
            {
                // Alternate which goes first, so that neither always runs on a warmer cache.
                var first = round % 2 == 0;
                if (first) together.Times.Add(clock.Time(batched, () => chosen.Runner.Run(input, batch)) / batch);
                apart.Times.Add(singles.Sum(single => clock.Time(chosen.Plan, () => chosen.Runner.Run(single, 1))) / batch);
                if (!first) together.Times.Add(clock.Time(batched, () => chosen.Runner.Run(input, batch)) / batch);
            }
        }
        measurements.Add(together.Measurement(CandidateStatus.Measured,
            $"per item, {batch} at once; one by one: {apart.Median:0.###} ms"));
        return together.Median <= _settings.BatchMargin * apart.Median ? batched : chosen.Plan;
    }

    private static float[][] RunOneByOne(INetworkRunner runner, float[][] singles)
    {
        var results = singles.Select(s => runner.Run(s, 1)).ToArray();
        return Enumerable.Range(0, results[0].Length)
            .Select(o => results.SelectMany(r => r[o]).ToArray())
            .ToArray();
    }

    /// <summary>The largest absolute difference, relative to the reference outputs' scale (at least 1).</summary>
    internal static double Difference(float[][] outputs, float[][] reference)
    {
        if (outputs.Length != reference.Length) return double.PositiveInfinity;
        var worst = 0.0;
        for (var o = 0; o < outputs.Length; o++)
        {
            if (outputs[o].Length != reference[o].Length) return double.PositiveInfinity;
            var scale = 1.0;
            foreach (var v in reference[o]) scale = Math.Max(scale, Math.Abs(v));
            for (var i = 0; i < outputs[o].Length; i++)
            {
                var d = Math.Abs((double)outputs[o][i] - reference[o][i]) / scale;
                if (!(d <= worst)) worst = double.IsNaN(d) ? double.PositiveInfinity : d;
            }
        }
        return worst;
    }

    private float[] SampleInputs(OnnxModel model, TuningRequest request, int items)
    {
        var random = new Random(_settings.Seed);
        var values = new float[items * model.ItemSize];
        var span = request.InputMax - request.InputMin;
        for (var i = 0; i < values.Length; i++) values[i] = request.InputMin + span * random.NextSingle();
        return values;
    }

    /// <summary>OpenCV's thread count is process-wide: set it for the timing of an OpenCV plan, then restore it.</summary>
    private static IDisposable? OpenCvThreads(ExecutionPlan plan)
    {
        if (plan.Backend != ExecutionBackend.OpenCvDnn) return null;
        var before = Cv2.GetNumThreads();
        if (before == plan.Threads) return null;
        Cv2.SetNumThreads(plan.Threads);
        return new Restore(() => Cv2.SetNumThreads(before));
    }

    private static string FirstLine(string message)
    {
        var line = message.Trim();
        var end = line.IndexOfAny(['\r', '\n']);
        return end < 0 ? line : line[..end];
    }

    private sealed class Restore(Action undo) : IDisposable
    {
        public void Dispose() => undo();
    }

    private sealed class Candidate(ExecutionPlan plan, INetworkRunner runner, double difference)
    {
        public ExecutionPlan Plan { get; } = plan;
        public INetworkRunner Runner { get; } = runner;
        public double Difference { get; } = difference;
        public List<double> Times { get; } = [];
        public double Median => Percentile(0.5);

        public double Percentile(double p)
        {
            if (Times.Count == 0) return double.PositiveInfinity;
            var sorted = Times.Order().ToArray();
            var rank = p * (sorted.Length - 1);
            var low = (int)Math.Floor(rank);
            var high = (int)Math.Ceiling(rank);
            return sorted[low] + (sorted[high] - sorted[low]) * (rank - low);
        }

        public CandidateMeasurement Measurement(CandidateStatus status, string? note = null) =>
            new(Plan, status, Median, Percentile(0.9), Times.Count, Difference, note);
    }
}
