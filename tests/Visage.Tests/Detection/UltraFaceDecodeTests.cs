using OpenCvSharp;
using OpenCvSharp.Dnn;
using Visage.Detection;
using Visage.Execution;
using Visage.Imaging;
using Visage.Models;
using Visage.Tests.TestData;
using Xunit.Abstractions;

namespace Visage.Tests.Detection;

/// <summary>
/// UltraFace cut at its heads and decoded in C# finds what the graph's own decode finds: the same priors above
/// the threshold, with the same boxes and scores within float tolerance, on real photos.
/// </summary>
public sealed class UltraFaceDecodeTests(ITestOutputHelper output) : IAsyncLifetime
{
    private readonly ModelStore _store = new(VisageHome.FromEnvironment());
    private OnnxModel? _graph;

    public async Task InitializeAsync()
    {
        await _store.EnsureAsync(ModelCatalog.Faceplugin);
        _graph = OnnxModel.FromFile(_store.FilePath(ModelCatalog.Faceplugin.Detector));
    }

    public Task DisposeAsync() => Task.CompletedTask;

    [Fact]
    public void The_decode_reads_UltraFaces_variances_and_anchors_from_the_graph()
    {
        var (heads, anchors) = UltraFaceGraph.Cut(_graph!);
        Assert.Equal(0.1f, anchors.CentreVariance, 6);
        Assert.Equal(0.2f, anchors.SizeVariance, 6);
        Assert.Equal([8, 16, 32, 64], anchors.Strides);
        Assert.Equal([[10f, 16f, 24f], [32f, 48f], [64f, 96f], [128f, 192f, 256f]],
            anchors.Sizes.Select(s => s.Select(v => MathF.Round(v, 3)).ToArray()).ToArray());
        Assert.Equal(4420, anchors.Priors(320, 240).Count);
        Assert.Equal(8, heads.OutputNames.Count);
        Assert.Equal([3, 240, 320], heads.ItemShape);
        // The plan cache is keyed by the network's hash: cutting again gives the very same bytes.
        Assert.Equal(heads.Sha256, UltraFaceGraph.Cut(_graph!).Heads.Sha256);
    }

    [Fact]
    public void A_graph_that_is_not_UltraFaces_is_refused_by_name()
    {
        var other = OnnxModel.FromFile(_store.FilePath(ModelCatalog.Faceplugin.Landmarks));
        var error = Assert.Throws<VisageException>(() => UltraFaceGraph.Cut(other));
        Assert.StartsWith("fr_landmark.onnx: not UltraFace's graph", error.Message);
    }

    [Fact]
    public void On_real_photos_the_CSharp_decode_gives_the_graphs_boxes_and_scores()
    {
        const float threshold = 0.3f; // lower than the pipeline's 0.7, so that many priors are compared
        var (headsModel, anchors) = UltraFaceGraph.Cut(_graph!);
        using var full = PlannedNetwork.Load(_graph!, ExecutionPlan.Reference);
        using var heads = PlannedNetwork.Load(headsModel, ExecutionPlan.Reference);
        var scoresAt = _graph!.OutputIndex("scores");
        var boxesAt = _graph!.OutputIndex("boxes");
        using var temp = new TempFolder();
        var photos = Lfw.FirstPhotosAndTwoFaces(20, temp.File("two.jpg"));
        photos.Add(Composite.Row(Lfw.PeopleWithTwoPhotos(4).Select(p => Lfw.PhotosOf(p)[1]).ToList(), temp.File("row.jpg")));

        var compared = 0;
        var worstCorner = 0f;
        var worstScore = 0f;
        foreach (var photo in photos)
        {
            using var image = ImageReader.Read(photo);
            using var blob = CvDnn.BlobFromImage(image.Pixels, 1 / 128.0, new Size(320, 240),
                new Scalar(127, 127, 127), swapRB: true, crop: false);
            var input = BlobData.ToArray(blob);
            float width = image.Pixels.Width, height = image.Pixels.Height;

            // The graph's own decode: corners as fractions of the input, softmax scores.
            var graph = full.Run(input, 1);
            var expected = new List<DetectedFace>();
            for (var i = 0; i < graph[scoresAt].Length / 2; i++)
            {
                var score = graph[scoresAt][2 * i + 1];
                if (score < threshold) continue;
                var b = graph[boxesAt];
                expected.Add(new DetectedFace(FaceBox.FromCorners(b[4 * i] * width, b[4 * i + 1] * height,
                    b[4 * i + 2] * width, b[4 * i + 3] * height), score));
            }
            var actual = anchors.Decode(heads.Run(input, 1), 320, 240, threshold, width, height);

            Assert.NotEmpty(expected);
            Assert.Equal(expected.Count, actual.Count);
            for (var i = 0; i < expected.Count; i++)
            {
                var (e, a) = (expected[i].Box, actual[i].Box);
                var corner = new[] { e.X - a.X, e.Y - a.Y, e.Width - a.Width, e.Height - a.Height }.Max(MathF.Abs);
                worstCorner = Math.Max(worstCorner, corner);
                worstScore = Math.Max(worstScore, Math.Abs(expected[i].Score - actual[i].Score));
            }
            compared += expected.Count;
        }
        output.WriteLine($"{compared} priors over {threshold} on {photos.Count} photos: corners within {worstCorner:g3} px, scores within {worstScore:g3}");
        Assert.True(compared > 100, $"only {compared} priors compared");
        Assert.InRange(worstCorner, 0f, 0.01f);
        Assert.InRange(worstScore, 0f, 1e-5f);
    }

    [Fact]
    public void The_detector_finds_the_same_faces_as_the_graphs_decode_with_NMS()
    {
        var (headsModel, anchors) = UltraFaceGraph.Cut(_graph!);
        using var detector = new UltraFaceDetector(PlannedNetwork.Load(headsModel, ExecutionPlan.Reference), anchors, _graph!);
        using var full = PlannedNetwork.Load(_graph!, ExecutionPlan.Reference);
        var faces = 0;
        foreach (var photo in Lfw.PeopleWithTwoPhotos(20).Select(p => Lfw.PhotosOf(p)[1]))
        {
            using var image = ImageReader.Read(photo);
            var expected = GraphDecode(full, image.Pixels, 0.7f, 0.3f);
            var actual = detector.Detect(image.Pixels);
            AssertSameFaces(expected, actual, scoreTolerance: 1e-5f);
            faces += actual.Count;
        }
        Assert.True(faces >= 20, $"only {faces} faces on 20 photos");
    }

    [Theory]
    [InlineData(250, 250, 240, 240)] // an LFW photo: not squeezed to 320x240 but shrunk 0.96 on both sides
    [InlineData(640, 480, 320, 240)]
    [InlineData(480, 640, 240, 320)]
    [InlineData(1920, 1080, 368, 192)]
    [InlineData(100, 80, 96, 80)] // never enlarged
    [InlineData(10, 300, 16, 288)]
    public void A_fitted_input_keeps_the_photos_aspect_within_the_networks_pixels(int width, int height, int fittedWidth, int fittedHeight)
    {
        var (w, h) = UltraFaceDetector.FittedSize(width, height, 320 * 240);
        Assert.Equal((fittedWidth, fittedHeight), (w, h));
        Assert.True(w * h <= 320 * 240);
        Assert.Equal(0, w % UltraFaceDetector.FittedMultiple);
        Assert.Equal(0, h % UltraFaceDetector.FittedMultiple);
    }

    [Fact]
    public void The_network_cut_for_any_size_gives_the_fixed_ones_outputs_and_maps_the_size_its_priors_need()
    {
        var (fixedModel, anchors) = UltraFaceGraph.Cut(_graph!);
        var (anyModel, _) = UltraFaceGraph.Cut(_graph!, freeSize: true);
        Assert.True(anyModel.SizeDynamic);
        Assert.Equal([3, 240, 320], anyModel.ItemShape);
        Assert.NotEqual(fixedModel.Sha256, anyModel.Sha256);
        using var fixedSize = PlannedNetwork.Load(fixedModel, ExecutionPlan.Reference);
        using var anySize = PlannedNetwork.Load(anyModel, ExecutionPlan.Reference);
        var input = Pseudorandom(3 * 240 * 320);
        Assert.InRange(ExecutionTuner.Difference(anySize.Run(input, 1), fixedSize.Run(input, 1)), 0, 1e-5);

        foreach (var (w, h) in new[] { (240, 240), (368, 192), (96, 80), (16, 288) })
        {
            var heads = anySize.Run(Pseudorandom(3 * h * w), [3, h, w]);
            for (var m = 0; m < anchors.Strides.Count; m++)
            {
                var cells = UltraFaceGraph.Cells(w, anchors.Strides[m]) * UltraFaceGraph.Cells(h, anchors.Strides[m]);
                Assert.Equal(cells * anchors.Sizes[m].Length * 2, heads[m].Length);
                Assert.Equal(cells * anchors.Sizes[m].Length * 4, heads[anchors.Strides.Count + m].Length);
            }
            Assert.Equal(anchors.Priors(w, h).Count, heads.Take(anchors.Strides.Count).Sum(l => l.Length) / 2);
        }
    }

    public static TheoryData<string> Plans()
    {
        var data = new TheoryData<string>();
        foreach (var plan in new ExecutionTuner(NetworkRunnerFactory.Instance, DefaultTuningClock.Instance, cores: 2).Candidates())
            data.Add($"{plan.Backend}/{plan.Optimization}/{plan.Threads}/{plan.Rewrite}");
        return data;
    }

    /// <summary>The tuner checks plans at the nominal size only: every plan must also hold at the sizes photos get.</summary>
    [Theory]
    [MemberData(nameof(Plans))]
    public void Each_plan_runs_the_any_size_network_at_other_sizes_as_the_reference_does(string key)
    {
        var parts = key.Split('/');
        var plan = new ExecutionPlan(Enum.Parse<ExecutionBackend>(parts[0]), Enum.Parse<GraphOptimization>(parts[1]),
            int.Parse(parts[2]), 1, Enum.Parse<GraphRewrite>(parts[3]));
        var (anyModel, anchors) = UltraFaceGraph.Cut(_graph!, freeSize: true);
        using var reference = new UltraFaceDetector(PlannedNetwork.Load(anyModel, ExecutionPlan.Reference), anchors, _graph!,
            input: DetectorInput.Fitted);
        using var candidate = new UltraFaceDetector(PlannedNetwork.Load(anyModel, plan), anchors, _graph!,
            input: DetectorInput.Fitted);
        using var temp = new TempFolder();
        var photos = Lfw.FirstPhotosAndTwoFaces(3, temp.File("two.jpg"));
        foreach (var photo in photos)
        {
            // The same photo at 250x250 (240x240 in), side by side (480x240 in), and again (the size changes back).
            using var image = ImageReader.Read(photo);
            var expected = reference.Detect(image.Pixels);
            var actual = candidate.Detect(image.Pixels);
            Assert.NotEmpty(expected);
            AssertSameFaces(expected, actual, scoreTolerance: 1e-4f);
        }
    }

    [Fact]
    public void Fitted_it_finds_the_face_of_LFW_photos_where_squeezed_it_does()
    {
        var (fixedModel, anchors) = UltraFaceGraph.Cut(_graph!);
        var (anyModel, _) = UltraFaceGraph.Cut(_graph!, freeSize: true);
        using var squeezed = new UltraFaceDetector(PlannedNetwork.Load(fixedModel), anchors, _graph!);
        using var fitted = new UltraFaceDetector(PlannedNetwork.Load(anyModel), anchors, _graph!, input: DetectorInput.Fitted);
        var overlaps = new List<float>();
        var shapes = new List<(float Height, float Width, float Dy)>();
        foreach (var photo in Lfw.PeopleWithTwoPhotos(30).Select(p => Lfw.PhotosOf(p)[0]))
        {
            using var image = ImageReader.Read(photo);
            var a = Central(squeezed.Detect(image.Pixels), image.Pixels);
            var b = Central(fitted.Detect(image.Pixels), image.Pixels);
            Assert.True(b is not null, $"{photo}: no face found fitted");
            overlaps.Add(a!.Box.IntersectionOverUnion(b!.Box));
            shapes.Add((b.Box.Height / a.Box.Height, b.Box.Width / a.Box.Width, (b.Box.Center.Y - a.Box.Center.Y) / a.Box.Height));
        }
        var median = overlaps.Order().ElementAt(overlaps.Count / 2);
        float Median(IEnumerable<float> values) => values.Order().ElementAt(shapes.Count / 2);
        output.WriteLine($"IoU of the central boxes, squeezed and fitted: median {median:0.000}, least {overlaps.Min():0.000}; " +
                         $"fitted over squeezed: height x{Median(shapes.Select(s => s.Height)):0.000}, width x{Median(shapes.Select(s => s.Width)):0.000}, " +
                         $"centre dy {Median(shapes.Select(s => s.Dy)):0.000} of the height");
        Assert.True(median > 0.8f, $"median IoU {median}");
    }

    private static DetectedFace? Central(IReadOnlyList<DetectedFace> faces, Mat image) =>
        faces.MinBy(f => Math.Abs(f.Box.Center.X - image.Width / 2f) + Math.Abs(f.Box.Center.Y - image.Height / 2f));

    private static float[] Pseudorandom(int count)
    {
        var random = new Random(12);
        return Enumerable.Range(0, count).Select(_ => random.NextSingle() * 2 - 1).ToArray();
    }

    /// <summary>The detector as it was before the cut: the graph decodes, boxes clipped, then NMS.</summary>
    private static IReadOnlyList<DetectedFace> GraphDecode(PlannedNetwork full, Mat image, float scoreThreshold, float iou)
    {
        using var blob = CvDnn.BlobFromImage(image, 1 / 128.0, new Size(320, 240), new Scalar(127, 127, 127), swapRB: true, crop: false);
        var outputs = full.Run(BlobData.ToArray(blob), 1);
        var (scores, boxes) = (outputs[full.Model.OutputIndex("scores")], outputs[full.Model.OutputIndex("boxes")]);
        var candidates = new List<DetectedFace>();
        for (var i = 0; i < scores.Length / 2; i++)
        {
            if (scores[2 * i + 1] < scoreThreshold) continue;
            var box = FaceBox.FromCorners(boxes[4 * i] * image.Width, boxes[4 * i + 1] * image.Height,
                boxes[4 * i + 2] * image.Width, boxes[4 * i + 3] * image.Height).ClipTo(image.Width, image.Height);
            if (box.Width <= 1 || box.Height <= 1) continue;
            candidates.Add(new DetectedFace(box, scores[2 * i + 1]));
        }
        return NonMaximumSuppression.Apply(candidates, iou);
    }

    /// <summary>The same faces in the same order: corners and sides within 0.01 pixel, scores within the tolerance.</summary>
    private static void AssertSameFaces(IReadOnlyList<DetectedFace> expected, IReadOnlyList<DetectedFace> actual, float scoreTolerance)
    {
        Assert.Equal(expected.Count, actual.Count);
        for (var i = 0; i < expected.Count; i++)
        {
            Assert.InRange(Math.Abs(expected[i].Box.X - actual[i].Box.X), 0f, 0.01f);
            Assert.InRange(Math.Abs(expected[i].Box.Y - actual[i].Box.Y), 0f, 0.01f);
            Assert.InRange(Math.Abs(expected[i].Box.Width - actual[i].Box.Width), 0f, 0.01f);
            Assert.InRange(Math.Abs(expected[i].Box.Height - actual[i].Box.Height), 0f, 0.01f);
            Assert.InRange(Math.Abs(expected[i].Score - actual[i].Score), 0f, scoreTolerance);
        }
    }
}
