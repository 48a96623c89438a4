using OpenCvSharp;
using Visage.Detection;
using Visage.Liveness;
using Visage.Models;
using Visage.Tests.FaceApi;

namespace Visage.Tests.Liveness;

/// <summary>The catalogue's liveness networks on real LFW faces (the only data here: no spoofs).</summary>
public sealed class LivenessScorerTests : IAsyncLifetime
{
    private readonly ModelStore _store = new(VisageHome.FromEnvironment());
    private UltraFaceDetector? _detector;

    public async Task InitializeAsync()
    {
        await _store.EnsureAsync(ModelCatalog.Faceplugin);
        _detector = new UltraFaceDetector(_store.FilePath(ModelCatalog.Faceplugin.Detector));
    }

    public Task DisposeAsync()
    {
        _detector?.Dispose();
        return Task.CompletedTask;
    }

    private (Mat Image, FaceBox Box) Face(string person, int index)
    {
        var image = Cv2.ImRead(LfwPhotos.Photo(person, index));
        var box = _detector!.Detect(image).MinBy(f => Math.Abs(f.Box.Center.X - 125) + Math.Abs(f.Box.Center.Y - 125))!.Box;
        return (image, box);
    }

    public static TheoryData<string> Models => new(ModelCatalog.LivenessModels.Select(m => m.Id));

    [Theory]
    [MemberData(nameof(Models))]
    public async Task Each_face_of_a_batch_gets_the_score_it_gets_alone(string id)
    {
        using var scorer = await LivenessScorers.LoadAsync(ModelCatalog.GetLiveness(id), _store);
        var (first, firstBox) = Face("Aaron_Peirsol", 1);
        var (second, secondBox) = Face("Abel_Pacheco", 1);
        using (first)
        using (second)
        {
            var alone = scorer.Score(second, [secondBox]);
            var together = scorer.Score(second, [firstBox, secondBox]);

            Assert.InRange(alone[0], 0f, 1f);
            Assert.Equal(alone[0], together[1], 4);
            Assert.Equal(id, scorer.ModelId);
        }
    }

    [Fact]
    public async Task Faceplugins_network_is_fed_the_image_as_opencv_reads_it_bgr_not_the_channels_swapped()
    {
        // The network is trained on cv2.imread (BGR) images (see the catalogue and README); the package's JS feeds
        // RGB only because it copies a canvas's RGBA as it comes. The same face with its channels swapped scores
        // differently, so the order matters, and the scorer must give what the BGR image gives.
        var model = ModelCatalog.GetLiveness("faceplugin-liveness");
        Assert.Equal(ColorOrder.Bgr, model.ColorOrder);
        using var scorer = await LivenessScorers.LoadAsync(model, _store);
        var (image, box) = Face("Aaron_Peirsol", 1);
        using (image)
        using (var swapped = image.CvtColor(ColorConversionCodes.BGR2RGB))
        using (var crop = ((LivenessNetwork)scorer).Crop(image, box))
        using (var resized = crop.Resize(new Size(model.InputSize, model.InputSize)))
        {
            var asRead = scorer.Score(image, [box])[0];
            Assert.NotEqual(asRead, scorer.Score(swapped, [box])[0], 3);
            // By hand: the crop resized, planes in the image's own order (B, G, R), values 0..255, softmax, first class.
            var input = new float[3 * model.InputSize * model.InputSize];
            for (var c = 0; c < 3; c++)
            for (var y = 0; y < model.InputSize; y++)
            for (var x = 0; x < model.InputSize; x++)
                input[(c * model.InputSize + y) * model.InputSize + x] = resized.At<Vec3b>(y, x)[c];
            var logits = ((LivenessNetwork)scorer).Network.Run(input, 1)[0];
            var exps = logits.Select(v => Math.Exp(v - logits.Max())).ToArray();
            Assert.Equal(exps[0] / exps.Sum(), asRead, 3);
        }
    }

    [Fact]
    public void The_crop_grows_the_box_but_stays_inside_the_image()
    {
        var model = ModelCatalog.GetLiveness("faceplugin-liveness");
        using var scorer = new LivenessNetwork(model, _store.FilePath(model.Files[0]));
        using var image = new Mat(new Size(400, 300), MatType.CV_8UC3, Scalar.All(128));

        using var middle = scorer.Crop(image, new FaceBox(180, 120, 40, 50));
        using var corner = scorer.Crop(image, new FaceBox(0, 0, 60, 80));

        // 2.7 times the box where it fits; near a corner the same size, shifted in.
        Assert.Equal((108, 135), (middle.Width, middle.Height));
        Assert.Equal((162, 216), (corner.Width, corner.Height));
        // A box too large to grow 2.7 times is grown as far as the image allows.
        using var large = scorer.Crop(image, new FaceBox(100, 50, 200, 200));
        Assert.True(large.Width <= 400 && large.Height <= 300);
    }

    [Theory]
    [InlineData(250, 250, 70.3f, 93.7f)]
    [InlineData(250, 250, 91.1f, 91.1f)]
    [InlineData(640, 480, 177.9f, 177.7f)]
    public void A_box_whose_growth_the_image_limits_is_cropped_to_the_whole_image(int width, int height, float w, float h)
    {
        // Grown as far as the image allows, the box may come out a hair wider than the image in floats.
        var model = ModelCatalog.GetLiveness("faceplugin-liveness");
        using var scorer = new LivenessNetwork(model, _store.FilePath(model.Files[0]));
        using var image = new Mat(new Size(width, height), MatType.CV_8UC3, Scalar.All(128));

        using var crop = scorer.Crop(image, new FaceBox((width - w) / 2, (height - h) / 2, w, h));

        Assert.InRange(crop.Width, 1, width);
        Assert.InRange(crop.Height, 1, height);
    }

    [Fact]
    public async Task An_unknown_liveness_model_is_named_with_the_known_ones()
    {
        var e = Assert.Throws<InvalidSettingException>(() => ModelCatalog.GetLiveness("nope"));

        Assert.Contains("'nope'", e.Message);
        Assert.Contains("faceplugin-liveness", e.Message);
        await Task.CompletedTask;
    }
}
