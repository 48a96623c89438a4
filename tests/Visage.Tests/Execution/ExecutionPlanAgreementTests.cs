using OpenCvSharp;
using Visage.Alignment;
using Visage.Detection;
using Visage.Embedding;
using Visage.Execution;
using Visage.Imaging;
using Visage.Landmarks;
using Visage.Models;
using Visage.Recognition;
using Visage.Tests.TestData;
using Xunit.Abstractions;

namespace Visage.Tests.Execution;

/// <summary>
/// Every way the tuner may choose to run the default pack's networks (ONNX Runtime at each level, OpenCV DNN,
/// one thread or two, faces one by one or together) finds the same faces and gives the same encodings as ONNX
/// Runtime's reference on real photos, within float tolerance.
/// </summary>
public sealed class ExecutionPlanAgreementTests(ITestOutputHelper output)
{
    private const float PixelTolerance = 0.01f;
    // The networks agree to about 1e-6; boxes and landmarks that move by thousandths of a pixel move the crops'
    // bilinear samples, which is what is left in the encodings: here at most 8e-5 a component and 5.3e-4 in
    // distance, against thresholds of 0.4 to 1.2 (LFW accuracies are unchanged to the pair).
    private const float EncodingTolerance = 3e-4f;
    private const float DistanceTolerance = 2e-3f;

    public static TheoryData<string> Plans()
    {
        var data = new TheoryData<string>();
        var tuner = new ExecutionTuner(NetworkRunnerFactory.Instance, DefaultTuningClock.Instance, cores: 2);
        foreach (var plan in tuner.Candidates()) data.Add(Key(plan));
        data.Add(Key(new ExecutionPlan(ExecutionBackend.OnnxRuntime, GraphOptimization.All, 1, 4)));
        data.Add(Key(new ExecutionPlan(ExecutionBackend.OpenCvDnn, GraphOptimization.None, 1, 4)));
        return data;
    }

    [Theory]
    [MemberData(nameof(Plans))]
    public async Task The_default_pack_run_with_each_plan_agrees_with_the_reference(string key)
    {
        var plan = Parse(key);
        var models = await Models.LoadAsync();
        using var reference = models.Pipeline(ExecutionPlan.Reference);
        using var candidate = models.Pipeline(plan);
        using var temp = new TempFolder();
        var photos = Lfw.FirstPhotosAndTwoFaces(3, temp.File("two.jpg"));

        var worst = 0f;
        var farthest = 0f;
        foreach (var photo in photos)
        {
            using var image = ImageReader.Read(photo);
            var expected = reference.Analyze(image.Pixels);
            var actual = candidate.Analyze(image.Pixels);

            Assert.NotEmpty(expected);
            Assert.Equal(expected.Count, actual.Count);
            for (var f = 0; f < expected.Count; f++)
            {
                var (e, a) = (expected[f], actual[f]);
                Assert.InRange(Math.Abs(a.Box.X - e.Box.X), 0, PixelTolerance);
                Assert.InRange(Math.Abs(a.Box.Width - e.Box.Width), 0, PixelTolerance);
                Assert.InRange(Math.Abs(a.Score - e.Score), 0, 1e-5f);
                for (var p = 0; p < FaceLandmarks.Count; p++)
                {
                    Assert.InRange(Math.Abs(a.Landmarks!.Points[p].X - e.Landmarks!.Points[p].X), 0, PixelTolerance);
                    Assert.InRange(Math.Abs(a.Landmarks.Points[p].Y - e.Landmarks.Points[p].Y), 0, PixelTolerance);
                }
                for (var i = 0; i < e.Embedding.Length; i++)
                    worst = Math.Max(worst, Math.Abs(a.Embedding[i] - e.Embedding[i]));
                farthest = Math.Max(farthest, FaceDistance.Euclidean(a.Embedding, e.Embedding));
            }
        }
        output.WriteLine($"{plan.Describe()}: largest encoding difference {worst:g3}, distance {farthest:g3}, over {photos.Count} photos");
        Assert.InRange(worst, 0, EncodingTolerance);
        Assert.InRange(farthest, 0, DistanceTolerance);
    }

    [Fact]
    public void The_real_back_ends_tune_a_small_network_and_every_candidate_agrees()
    {
        var model = ScriptedBackends.TinyModel();
        var report = new ExecutionTuner(NetworkRunnerFactory.Instance, DefaultTuningClock.Instance, cores: 2)
            .Tune(model, new TuningRequest(-1f, 1f, TypicalBatch: 4));

        foreach (var c in report.Candidates)
            output.WriteLine($"{c.Plan.Describe(),-48} {c.Status,-9} {c.MedianMs,8:0.000} ms  difference {c.Difference:g3} {c.Note}");
        Assert.DoesNotContain(report.Candidates, c => c.Status is CandidateStatus.Disagrees or CandidateStatus.Failed);
        Assert.Contains(report.Candidates, c => c.Plan.Backend == ExecutionBackend.OpenCvDnn);
        Assert.Equal(1, report.OneThread.Threads);
    }

    private static string Key(ExecutionPlan p) => $"{p.Backend}/{p.Optimization}/{p.Threads}/{p.BatchSize}/{p.Rewrite}";

    private static ExecutionPlan Parse(string key)
    {
        var parts = key.Split('/');
        return new ExecutionPlan(Enum.Parse<ExecutionBackend>(parts[0]), Enum.Parse<GraphOptimization>(parts[1]),
            int.Parse(parts[2]), int.Parse(parts[3]), Enum.Parse<GraphRewrite>(parts[4]));
    }

    /// <summary>The default pack's four networks, read once, to be run with any plan.</summary>
    private sealed record Models(OnnxModel Detector, OnnxModel Landmarks, OnnxModel Feature, EmbedderSpec FeatureSpec,
        OnnxModel ResNet, float FeatureWeight, float ResNetWeight)
    {
        private static readonly SemaphoreSlim Gate = new(1, 1);
        private static Models? _loaded;

        /// <summary>The detector as it is run: cut at its heads, decoded in C#.</summary>
        private (OnnxModel Model, UltraFaceAnchors Anchors) Heads { get; } = UltraFaceGraph.Cut(Detector);

        public static async Task<Models> LoadAsync()
        {
            await Gate.WaitAsync();
            try
            {
                if (_loaded is not null) return _loaded;
                var pack = ModelCatalog.Fusion;
                var store = new ModelStore(VisageHome.FromEnvironment());
                await store.EnsureAsync(pack);
                var five = pack.Embedders.Single(e => e.Kind == EmbedderKind.FivePoint);
                var dlib = pack.Embedders.Single(e => e.Kind == EmbedderKind.DlibChip);
                return _loaded = new Models(
                    OnnxModel.FromFile(store.FilePath(pack.Detector)),
                    Landmark68Model.LoadModel(store.FilePath(pack.Landmarks)),
                    EmbeddingNetwork.LoadModel(store.FilePath(five.Files[0]), five.Network!), five.Network!,
                    DlibChipEmbedder.LoadModel(Path.GetDirectoryName(store.FilePath(dlib.Files[0]))!),
                    five.Weight, dlib.Weight);
            }
            finally
            {
                Gate.Release();
            }
        }

        public FacePipeline Pipeline(ExecutionPlan plan)
        {
            var five = new FivePointEmbedder("faceplugin",
                new EmbeddingNetwork(PlannedNetwork.Load(Feature, plan), FeatureSpec), AlignmentTemplate.ArcFace112);
            var dlib = new DlibChipEmbedder(PlannedNetwork.Load(ResNet, plan));
            return new FacePipeline(
                new UltraFaceDetector(PlannedNetwork.Load(Heads.Model, plan), Heads.Anchors, Detector),
                new Landmark68Model(PlannedNetwork.Load(Landmarks, plan)),
                new FusedEmbedder([(five, FeatureWeight), (dlib, ResNetWeight)], "fusion"),
                ModelCatalog.Fusion.DefaultThreshold,
                PipelineFingerprint.Create("fusion", $"plan {plan.Describe()}", []));
        }
    }
}
