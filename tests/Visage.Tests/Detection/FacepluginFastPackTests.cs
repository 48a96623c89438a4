using OpenCvSharp;
using Visage.Detection;
using Visage.Landmarks;
using Visage.Models;
using Visage.Recognition;
using Visage.Tests.TestData;

namespace Visage.Tests.Detection;

/// <summary>
/// The faceplugin-fast pack: BlazeFace front finds faces and its own keypoints align them, with no landmark
/// network for detected faces; a face given as a box alone still gets the 68-point network's landmarks.
/// </summary>
public sealed class FacepluginFastPackTests(Xunit.Abstractions.ITestOutputHelper output) : IAsyncLifetime
{
    private readonly ModelStore _store = new(VisageHome.FromEnvironment());
    private FacePipeline? _fast;
    private FacePipeline? _faceplugin;

    public async Task InitializeAsync()
    {
        _fast = await FacePipeline.LoadAsync(ModelCatalog.FacepluginFast, _store, new PipelineOptions(IntraOpThreads: 1));
        _faceplugin = await FacePipeline.LoadAsync(ModelCatalog.Faceplugin, _store, new PipelineOptions(IntraOpThreads: 1));
    }

    public Task DisposeAsync()
    {
        _fast?.Dispose();
        _faceplugin?.Dispose();
        return Task.CompletedTask;
    }

    private static Face Central(IReadOnlyList<Face> faces, Mat image) =>
        faces.MinBy(f => Math.Abs(f.Box.Center.X - image.Width / 2f) + Math.Abs(f.Box.Center.Y - image.Height / 2f))!;

    [Fact]
    public void Detected_faces_are_aligned_on_BlazeFaces_keypoints_near_the_68_point_networks_points()
    {
        Assert.IsType<BlazeFaceDetector>(_fast!.Detector);
        Assert.True(_fast.UsesDetectorKeypoints);
        Assert.NotEqual(_faceplugin!.Fingerprint.Id, _fast.Fingerprint.Id);

        var eyeErrors = new List<float>();
        var cosines = new List<float>();
        foreach (var photo in BlazeFaceFrontTests.DevTrainPhotos(30).Skip(10))
        {
            using var image = Cv2.ImRead(photo);
            var fast = Central(_fast.Analyze(image), image);
            var reference = Central(_faceplugin.Analyze(image), image);

            Assert.True(fast.Landmarks!.AreKeypoints, $"{photo}: not aligned on the detector's keypoints");
            var (mine, theirs) = (fast.Landmarks.FivePoints(), reference.Landmarks!.FivePoints());
            Assert.Equal(mine[3], mine[4]); // the mouth centre stands for both corners
            var ocular = (float)theirs[0].DistanceTo(theirs[1]);
            eyeErrors.Add(Math.Max((float)mine[0].DistanceTo(theirs[0]), (float)mine[1].DistanceTo(theirs[1])) / ocular);
            cosines.Add(System.Numerics.Tensors.TensorPrimitives.CosineSimilarity(fast.Embedding, reference.Embedding));
        }
        var medianEye = eyeErrors.Order().ElementAt(eyeErrors.Count / 2);
        var medianCosine = cosines.Order().ElementAt(cosines.Count / 2);
        output.WriteLine($"eyes: median worse-eye error {medianEye:0.000} of the eye distance; encodings against faceplugin's: " +
                         $"median cosine {medianCosine:0.000}, lowest {cosines.Min():0.000}");
        Assert.True(medianEye < 0.12f, $"median eye error {medianEye:0.000} of the eye distance");
        // The same face, aligned a little differently, encodes nearly alike.
        Assert.True(medianCosine > 0.8f, $"median cosine {medianCosine:0.000}");
    }

    [Fact]
    public void A_face_given_as_a_box_alone_gets_the_68_point_networks_landmarks()
    {
        using var image = Cv2.ImRead(BlazeFaceFrontTests.DevTrainPhotos(1)[0]);
        var detected = Central(_fast!.Analyze(image), image);

        var boxOnly = _fast.Analyze(image, [new DetectedFace(detected.Box, 1f)]).Single();
        var whole = _fast.AnalyzeWholeImage(image);

        Assert.Equal(FaceLandmarks.Count, boxOnly.Landmarks!.Points.Count);
        Assert.Equal(FaceLandmarks.Count, whole.Landmarks!.Points.Count);
        Assert.Equal(512, boxOnly.Embedding.Length);
    }
}
