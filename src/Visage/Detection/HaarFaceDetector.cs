using OpenCvSharp;

namespace Visage.Detection;

/// <summary>
/// The seed's detector: OpenCV's frontal-face Haar cascade (scale factor 1.3, 5 neighbours) on the grey
/// image, each box grown by a margin (50 pixels in the seed) on every side and clipped to the image.
/// Haar cascades give no confidence, so every face scores 1. An OpenCV cascade must not be used by two
/// threads at once, so each thread that detects gets its own copy.
/// </summary>
internal sealed class HaarFaceDetector : IFaceDetector
{
    public const string DefaultCascade = "/usr/share/opencv4/haarcascades/haarcascade_frontalface_default.xml";

    private readonly ThreadLocal<CascadeClassifier> _cascades;
    private readonly double _scaleFactor;
    private readonly int _minNeighbours;
    private readonly int _margin;

    public HaarFaceDetector(string cascadePath = DefaultCascade, double scaleFactor = 1.3, int minNeighbours = 5,
        int margin = 50)
    {
        if (!File.Exists(cascadePath))
            throw new VisageException(
                $"{cascadePath}: Haar cascade not found; install it with 'apt-get install opencv-data' (Debian)");
        var first = new CascadeClassifier(cascadePath);
        if (first.Empty())
        {
            first.Dispose();
            throw new VisageException($"{cascadePath}: not a readable Haar cascade");
        }
        _cascades = new ThreadLocal<CascadeClassifier>(() => new CascadeClassifier(cascadePath), trackAllValues: true)
        {
            Value = first,
        };
        _scaleFactor = scaleFactor;
        _minNeighbours = minNeighbours;
        _margin = margin;
    }

    public IReadOnlyList<DetectedFace> Detect(Mat bgrImage)
    {
        using var grey = new Mat();
        Cv2.CvtColor(bgrImage, grey, ColorConversionCodes.BGR2GRAY);
        return _cascades.Value!.DetectMultiScale(grey, _scaleFactor, _minNeighbours)
            .Select(r => new DetectedFace(
                FaceBox.FromCorners(r.Left - _margin, r.Top - _margin, r.Right + _margin, r.Bottom + _margin)
                    .ClipTo(bgrImage.Width, bgrImage.Height),
                1f))
            .ToList();
    }

    public void Dispose()
    {
        foreach (var cascade in _cascades.Values) cascade.Dispose();
        _cascades.Dispose();
    }
}
