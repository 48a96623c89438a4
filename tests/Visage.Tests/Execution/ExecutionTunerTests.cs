using Visage.Execution;

namespace Visage.Tests.Execution;

/// <summary>The tuner's choices with scripted timings and outputs: deterministic, whatever the machine is doing.</summary>
public sealed class ExecutionTunerTests
{
    private static readonly TuningRequest Request = new(-1f, 1f, TypicalBatch: 4);

    private static ExecutionPlan Ort(GraphOptimization level, int threads = 1, int batch = 1) =>
        new(ExecutionBackend.OnnxRuntime, level, threads, batch);

    private static ExecutionPlan OpenCv(int threads = 1, int batch = 1) =>
        new(ExecutionBackend.OpenCvDnn, GraphOptimization.None, threads, batch);

    private static TuningReport Tune(ScriptedBackends backends, int cores = 2, TunerSettings? settings = null) =>
        new ExecutionTuner(backends, backends, cores, settings).Tune(ScriptedBackends.TinyModel(), Request);

    /// <summary>Milliseconds per item for each plan, whatever the round; a batch costs as many items.</summary>
    private static Func<ExecutionPlan, int, double> Constant(Func<ExecutionPlan, double?> times, double otherwise = 20) =>
        (plan, _) => (times(plan with { BatchSize = 1 }) ?? otherwise) * plan.BatchSize;

    [Fact]
    public void Every_level_of_ONNX_Runtime_and_OpenCV_on_one_thread_and_on_all_cores_are_candidates()
    {
        var plans = new ExecutionTuner(new ScriptedBackends(), new ScriptedBackends(), cores: 4)
            .Candidates(ScriptedBackends.TinyModel());

        Assert.Equal(10, plans.Count);
        foreach (var threads in new[] { 1, 4 })
        {
            foreach (var level in Enum.GetValues<GraphOptimization>())
                Assert.Contains(Ort(level, threads), plans);
            Assert.Contains(OpenCv(threads), plans);
        }
        Assert.Equal(5, new ExecutionTuner(new ScriptedBackends(), new ScriptedBackends(), cores: 1)
            .Candidates(ScriptedBackends.TinyModel()).Count);
    }

    [Fact]
    public void A_network_with_per_channel_PReLUs_is_also_tried_with_them_rewritten()
    {
        var plans = new ExecutionTuner(new ScriptedBackends(), new ScriptedBackends(), cores: 2)
            .Candidates(ScriptedBackends.TinyPReluModel());

        Assert.Equal(12, plans.Count);
        Assert.Contains(Ort(GraphOptimization.All) with { Rewrite = GraphRewrite.PReluAsDepthwise }, plans);
        Assert.Contains(Ort(GraphOptimization.All, 2) with { Rewrite = GraphRewrite.PReluAsDepthwise }, plans);
    }

    [Fact]
    public void The_fastest_candidate_is_chosen()
    {
        var backends = new ScriptedBackends
        {
            Times = Constant(p => p == OpenCv() ? 5 : p == Ort(GraphOptimization.Extended) ? 8 : null),
        };

        var report = Tune(backends);

        Assert.Equal(OpenCv(), report.OneThread);
        Assert.Equal(CandidateStatus.Measured, report.Candidates.Single(c => c.Plan == OpenCv()).Status);
        Assert.Equal(5, report.Candidates.Single(c => c.Plan == OpenCv()).MedianMs);
    }

    [Fact]
    public void A_faster_candidate_whose_outputs_disagree_with_the_reference_is_refused()
    {
        var backends = new ScriptedBackends
        {
            Times = Constant(p => p == OpenCv() ? 5 : p == Ort(GraphOptimization.Extended) ? 8 : null),
            Error = p => p.Backend == ExecutionBackend.OpenCvDnn ? 1e-2f : 0,
        };

        var report = Tune(backends);

        Assert.Equal(Ort(GraphOptimization.Extended), report.OneThread);
        var refused = report.Candidates.Single(c => c.Plan == OpenCv());
        Assert.Equal(CandidateStatus.Disagrees, refused.Status);
        Assert.True(refused.Difference > 1e-4);
        Assert.Contains("differs from the reference", refused.Note);
    }

    [Fact]
    public void Differences_within_float_tolerance_are_accepted()
    {
        var backends = new ScriptedBackends
        {
            Times = Constant(p => p == OpenCv() ? 5 : null),
            Error = p => p.Backend == ExecutionBackend.OpenCvDnn ? 1e-6f : 0,
        };

        Assert.Equal(OpenCv(), Tune(backends).OneThread);
    }

    [Fact]
    public void A_back_end_that_cannot_load_the_network_is_reported_and_skipped()
    {
        var backends = new ScriptedBackends
        {
            Times = Constant(p => p == OpenCv() ? 5 : p == Ort(GraphOptimization.All) ? 9 : null),
            Fails = p => p.Backend == ExecutionBackend.OpenCvDnn,
        };

        var report = Tune(backends);

        Assert.Equal(Ort(GraphOptimization.All), report.OneThread);
        var failed = report.Candidates.Where(c => c.Status == CandidateStatus.Failed).ToList();
        Assert.Equal([OpenCv(1), OpenCv(2)], failed.Select(c => c.Plan));
        Assert.All(failed, c => Assert.Contains("cannot load", c.Note));
    }

    [Fact]
    public void When_no_back_end_runs_the_network_the_error_names_it()
    {
        var backends = new ScriptedBackends { Fails = p => p != ExecutionPlan.Reference };

        var error = Assert.Throws<VisageException>(() => Tune(backends));

        Assert.Contains("tiny: no back end could run the network", error.Message);
    }

    [Fact]
    public void Medians_keep_spikes_from_other_processes_from_deciding()
    {
        // The best candidate is hit by a burst of load in 4 of its 9 runs; the median still sees it as fastest.
        var backends = new ScriptedBackends
        {
            Times = (plan, n) => plan == Ort(GraphOptimization.All) ? (n < 9 && n % 2 == 1 ? 300 : 6)
                : plan with { BatchSize = 1 } == Ort(GraphOptimization.All) ? 6 * plan.BatchSize
                : plan == OpenCv() ? 8
                : 20 * plan.BatchSize,
        };

        var report = Tune(backends, settings: new TunerSettings(PruneFactor: 100));

        Assert.Equal(Ort(GraphOptimization.All), report.OneThread);
        var measured = report.Candidates.Single(c => c.Plan == Ort(GraphOptimization.All));
        Assert.Equal(9, measured.Runs);
        Assert.Equal(6, measured.MedianMs);
        Assert.Equal(300, measured.P90Ms);
    }

    [Fact]
    public void Clearly_slower_candidates_are_dropped_after_the_first_rounds()
    {
        var backends = new ScriptedBackends
        {
            Times = Constant(p => p == Ort(GraphOptimization.All) ? 5 : p == Ort(GraphOptimization.None) ? 50 : 7),
        };

        var report = Tune(backends);

        var slow = report.Candidates.Single(c => c.Plan == Ort(GraphOptimization.None));
        Assert.Equal(CandidateStatus.Pruned, slow.Status);
        Assert.Equal(3, slow.Runs);
        Assert.Equal(9, report.Candidates.Single(c => c.Plan == Ort(GraphOptimization.All)).Runs);
    }

    [Fact]
    public void Many_threads_must_win_by_a_margin_and_the_one_thread_plan_never_uses_them()
    {
        var slightly = Tune(new ScriptedBackends
        {
            Times = Constant(p => p == Ort(GraphOptimization.All) ? 10 : p == Ort(GraphOptimization.All, 2) ? 9 : null),
        });
        var clearly = Tune(new ScriptedBackends
        {
            Times = Constant(p => p == Ort(GraphOptimization.All) ? 10 : p == Ort(GraphOptimization.All, 2) ? 6 : null),
        });

        Assert.Equal(Ort(GraphOptimization.All), slightly.AllCores);
        Assert.Equal(Ort(GraphOptimization.All, 2), clearly.AllCores);
        Assert.Equal(Ort(GraphOptimization.All), clearly.OneThread);
        Assert.Equal(clearly.OneThread, clearly.For(1));
        Assert.Equal(clearly.AllCores, clearly.For(2));
    }

    [Fact]
    public void OpenCV_timed_on_one_thread_is_not_chosen_for_all_cores_where_it_runs_on_its_own_pool()
    {
        var report = Tune(new ScriptedBackends
        {
            Times = Constant(p => p == OpenCv() ? 5 : p == Ort(GraphOptimization.All) ? 8 : null),
        });

        Assert.Equal(OpenCv(), report.OneThread);
        Assert.Equal(Ort(GraphOptimization.All), report.AllCores);
    }

    [Fact]
    public void A_batch_runs_together_only_when_that_is_faster_per_item()
    {
        var together = Tune(new ScriptedBackends
        {
            Times = (p, _) => p == Ort(GraphOptimization.All, batch: 4) ? 4 * 3 : p == Ort(GraphOptimization.All) ? 5 : 20,
        });
        var apart = Tune(new ScriptedBackends
        {
            Times = (p, _) => p == Ort(GraphOptimization.All, batch: 4) ? 4 * 5 : p == Ort(GraphOptimization.All) ? 5 : 20,
        });

        Assert.Equal(Ort(GraphOptimization.All, batch: 4), together.OneThread);
        Assert.Equal(Ort(GraphOptimization.All), apart.OneThread);
        var batched = together.Candidates.Single(c => c.Plan == Ort(GraphOptimization.All, batch: 4));
        Assert.Equal(3, batched.MedianMs);
    }

    [Fact]
    public void A_network_with_a_fixed_batch_of_one_is_not_tried_in_batches()
    {
        var backends = new ScriptedBackends { Times = Constant(p => p == Ort(GraphOptimization.All) ? 5 : null) };
        var model = FixedBatchModel();

        var report = new ExecutionTuner(backends, backends, 2).Tune(model, Request);

        Assert.Equal(Ort(GraphOptimization.All), report.OneThread);
        Assert.DoesNotContain(report.Candidates, c => c.Plan.BatchSize != 1);
    }

    [Fact]
    public void The_same_script_gives_the_same_report()
    {
        ScriptedBackends Script() => new()
        {
            Times = (p, n) => (int)p.Optimization + 3 * (int)p.Backend + p.Threads + (n % 3),
        };

        var first = Tune(Script()) with { LoadBefore = null, LoadAfter = null };
        var second = Tune(Script()) with { LoadBefore = null, LoadAfter = null };

        Assert.Equal(first.OneThread, second.OneThread);
        Assert.Equal(first.AllCores, second.AllCores);
        Assert.Equal(first.Candidates, second.Candidates);
    }

    [Fact]
    public void A_time_budget_stops_the_rounds_early_but_not_before_the_minimum()
    {
        var backends = new ScriptedBackends { Times = (_, _) => 100 };

        var report = Tune(backends, settings: new TunerSettings(TimeBudgetMs: 1));

        Assert.All(report.Candidates.Where(c => c.Status == CandidateStatus.Measured && c.Plan.BatchSize == 1),
            c => Assert.Equal(5, c.Runs));
    }

    private static OnnxModel FixedBatchModel()
    {
        var bytes = ScriptedBackends.TinyModel().Bytes;
        var proto = Onnx.ModelProto.Parser.ParseFrom(bytes);
        proto.Graph.Input[0].Type.TensorType.Shape.Dim[0] = new Onnx.TensorShapeProto.Types.Dimension { DimValue = 1 };
        return OnnxModel.FromBytes("fixed", Google.Protobuf.MessageExtensions.ToByteArray(proto));
    }
}
