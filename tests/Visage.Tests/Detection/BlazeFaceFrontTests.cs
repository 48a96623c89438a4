using System.Globalization;
using OpenCvSharp;
using Visage.Detection;
using Visage.Execution;
using Visage.Landmarks;
using Visage.Models;
using Visage.Tests.TestData;

namespace Visage.Tests.Detection;

/// <summary>
/// BlazeFace's front-camera model (128x128) on LFW photos: its box geometry against UltraFace's, and its own
/// keypoints against the 68-point network's points.
/// </summary>
public sealed class BlazeFaceFrontTests(Xunit.Abstractions.ITestOutputHelper output) : IAsyncLifetime
{
    private readonly ModelStore _store = new(VisageHome.FromEnvironment());
    private BlazeFaceDetector? _raw;
    private UltraFaceDetector? _ultra;
    private Landmark68Model? _landmarks;

    public async Task InitializeAsync()
    {
        await _store.EnsureAsync("blazeface", [ModelCatalog.BlazeFaceFront]);
        await _store.EnsureAsync(ModelCatalog.Faceplugin);
        _raw = new BlazeFaceDetector(_store.FilePath(ModelCatalog.BlazeFaceFront), 0.7f, 0.3f);
        _ultra = new UltraFaceDetector(_store.FilePath(ModelCatalog.Faceplugin.Detector));
        _landmarks = new Landmark68Model(_store.FilePath(ModelCatalog.Faceplugin.Landmarks));
    }

    public Task DisposeAsync()
    {
        _raw?.Dispose();
        _ultra?.Dispose();
        _landmarks?.Dispose();
        return Task.CompletedTask;
    }

    /// <summary>The first <paramref name="count"/> distinct photos named by pairsDevTrain.txt, in file order (never DevTest).</summary>
    internal static IReadOnlyList<string> DevTrainPhotos(int count)
    {
        var photos = new List<string>();
        foreach (var line in File.ReadLines(SharedData.LfwPairsDevTrain).Skip(1))
        {
            var parts = line.Split('\t', StringSplitOptions.RemoveEmptyEntries);
            var named = parts.Length == 3
                ? new[] { (parts[0], parts[1]), (parts[0], parts[2]) }
                : new[] { (parts[0], parts[1]), (parts[2], parts[3]) };
            foreach (var (person, number) in named)
            {
                var path = Path.Combine(SharedData.LfwImages, person,
                    $"{person}_{int.Parse(number, CultureInfo.InvariantCulture):0000}.jpg");
                if (!photos.Contains(path)) photos.Add(path);
                if (photos.Count == count) return photos;
            }
        }
        return photos;
    }

    private static DetectedFace Central(IReadOnlyList<DetectedFace> faces, Mat image) =>
        faces.MinBy(f => Math.Abs(f.Box.Center.X - image.Width / 2f) + Math.Abs(f.Box.Center.Y - image.Height / 2f))!;

    private static float Median(IEnumerable<float> values)
    {
        var sorted = values.Order().ToList();
        return sorted[sorted.Count / 2];
    }

    [Fact]
    public void Box_constants_are_the_medians_measured_on_DevTrain_photos()
    {
        var gaps = new List<(float Height, float Dy)>();
        var missed = 0;
        foreach (var photo in DevTrainPhotos(200))
        {
            using var image = Cv2.ImRead(photo);
            var blaze = _raw!.Detect(image);
            var ultra = _ultra!.Detect(image);
            if (blaze.Count == 0) missed++;
            if (blaze.Count == 0 || ultra.Count == 0) continue;
            var (b, u) = (Central(blaze, image).Box, Central(ultra, image).Box);
            gaps.Add((u.Height / b.Height, (u.Center.Y - b.Center.Y) / b.Height));
        }
        var scale = Median(gaps.Select(g => g.Height));
        var shift = Median(gaps.Select(g => g.Dy));
        output.WriteLine($"{gaps.Count} photos with both; BlazeFace front missed {missed}; UltraFace over BlazeFace front: " +
                         $"height x{scale:0.000}, centre dy {shift:0.000} of BlazeFace's height");
        Assert.Equal(ModelCatalog.BlazeFaceFrontBoxes.Scale, scale, 0.0005f);
        Assert.Equal(ModelCatalog.BlazeFaceFrontBoxes.Shift, shift, 0.0005f);
    }

    [Fact]
    public void Its_keypoints_sit_on_the_68_point_networks_eyes_nose_and_mouth()
    {
        // Error of each keypoint in inter-ocular distances (the 68-point network's eye centres).
        var errors = new List<float[]>();
        foreach (var photo in DevTrainPhotos(60).Skip(20).Take(40))
        {
            using var image = Cv2.ImRead(photo);
            var blaze = _raw!.Detect(image);
            Assert.True(blaze.Count > 0, $"{photo}: BlazeFace front found no face");
            var face = Central(blaze, image);
            var ultra = Central(_ultra!.Detect(image), image);
            var five = _landmarks!.Locate(image, [ultra.Box])[0].FivePoints();
            var reference = new[] { five[0], five[1], five[2], new Point2f((five[3].X + five[4].X) / 2, (five[3].Y + five[4].Y) / 2) };
            var ocular = (float)five[0].DistanceTo(five[1]);
            errors.Add(reference.Select((p, k) => (float)p.DistanceTo(face.Keypoints![k]) / ocular).ToArray());
        }
        string[] names = ["left eye", "right eye", "nose tip", "mouth centre"];
        for (var k = 0; k < names.Length; k++)
        {
            var median = Median(errors.Select(e => e[k]));
            var worst = errors.Max(e => e[k]);
            output.WriteLine($"{names[k]}: median {median:0.000}, worst {worst:0.000} of the eye distance");
            Assert.True(median < 0.15f, $"{names[k]}: median error {median:0.000} of the eye distance");
            Assert.True(worst < 0.4f, $"{names[k]}: worst error {worst:0.000} of the eye distance");
        }
    }

    [Fact]
    public void Its_residual_blocks_split_into_convolutions_find_the_same_faces_and_keypoints()
    {
        var model = OnnxModel.FromFile(_store.FilePath(ModelCatalog.BlazeFaceFront));
        using var asWritten = new BlazeFaceDetector(PlannedNetwork.Load(model, ExecutionPlan.Reference), 0.5f, 0.3f);
        using var split = new BlazeFaceDetector(PlannedNetwork.Load(model,
            ExecutionPlan.Default(1) with { Rewrite = GraphRewrite.ZeroConcatAsSplitConv }), 0.5f, 0.3f);
        var faces = 0;
        foreach (var photo in DevTrainPhotos(20))
        {
            using var image = Cv2.ImRead(photo);
            var expected = asWritten.Detect(image);
            var actual = split.Detect(image);
            Assert.Equal(expected.Count, actual.Count);
            for (var f = 0; f < expected.Count; f++)
            {
                var (e, a) = (expected[f], actual[f]);
                Assert.InRange(Math.Abs(a.Score - e.Score), 0, 1e-5f);
                Assert.InRange(Math.Abs(a.Box.X - e.Box.X) + Math.Abs(a.Box.Y - e.Box.Y) +
                               Math.Abs(a.Box.Width - e.Box.Width) + Math.Abs(a.Box.Height - e.Box.Height), 0, 0.01f);
                for (var k = 0; k < BlazeFaceDetector.KeypointCount; k++)
                    Assert.InRange(a.Keypoints![k].DistanceTo(e.Keypoints![k]), 0, 0.01);
            }
            faces += expected.Count;
        }
        Assert.True(faces >= 20, $"only {faces} faces in 20 photos");
    }

    [Fact]
    public void Its_input_is_the_padded_resized_photo_in_RGB_from_minus_one_to_one_channels_last()
    {
        foreach (var photo in DevTrainPhotos(3))
        {
            using var image = Cv2.ImRead(photo);
            using var wide = new Mat();
            Cv2.Resize(image, wide, new Size(image.Width, image.Height / 2)); // not square: padded above and below
            foreach (var source in new[] { image, wide })
            {
                // Step by step, each step in its own buffer.
                var side = Math.Max(source.Width, source.Height);
                var scale = 128 / (float)side;
                var (padX, padY) = ((side - source.Width) / 2f, (side - source.Height) / 2f);
                using var transform = Mat.FromPixelData(2, 3, MatType.CV_64FC1,
                    new double[] { scale, 0, padX * scale, 0, scale, padY * scale });
                using var square = new Mat();
                Cv2.WarpAffine(source, square, transform, new Size(128, 128), InterpolationFlags.Linear, BorderTypes.Constant, Scalar.Black);
                using var rgb = new Mat();
                Cv2.CvtColor(square, rgb, ColorConversionCodes.BGR2RGB);
                using var normalised = new Mat();
                rgb.ConvertTo(normalised, MatType.CV_32FC3, 1 / 127.5, -1);
                var expected = new float[128 * 128 * 3];
                System.Runtime.InteropServices.Marshal.Copy(normalised.Data, expected, 0, expected.Length);

                Assert.Equal(expected, _raw!.NetworkInput(source));
            }
        }
    }
}
