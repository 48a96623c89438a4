using OpenCvSharp;

namespace Visage.Tests.Video;

/// <summary>
/// Videos made for tests with OpenCV's writer: MPEG-4 Part 2 (mp4v) in .mp4 and Motion JPEG in .avi, the
/// codecs the bundled OpenCV both writes and reads back.
/// </summary>
internal static class TestVideos
{
    /// <summary>One stretch of a video: a picture shown for a number of frames.</summary>
    public sealed record Shot(Func<Mat> Picture, int Frames);

    public static void Write(string path, double fps, Size size, IEnumerable<Shot> shots)
    {
        var fourCc = Path.GetExtension(path) == ".avi" ? FourCC.FromString("MJPG") : FourCC.FromString("mp4v");
        using var writer = new VideoWriter(path, VideoCaptureAPIs.FFMPEG, fourCc, fps, size, isColor: true);
        if (!writer.IsOpened()) throw new InvalidOperationException($"{path}: OpenCV cannot write this test video");
        foreach (var shot in shots)
        {
            using var picture = shot.Picture();
            using var frame = new Mat();
            Cv2.Resize(picture, frame, size);
            for (var i = 0; i < shot.Frames; i++) writer.Write(frame);
        }
    }

    public static Func<Mat> Photo(string path) => () =>
    {
        var image = Cv2.ImRead(path, ImreadModes.Color);
        if (!image.Empty()) return image;
        image.Dispose();
        throw new InvalidOperationException($"{path}: cannot read the photo");
    };

    public static Func<Mat> Plain(double grey) => () => new Mat(64, 64, MatType.CV_8UC3, Scalar.All(grey));

    /// <summary>Frames a video holds, counted by decoding every one (container frame counts can be estimates).</summary>
    public static int CountFrames(string path)
    {
        using var capture = new VideoCapture(path);
        if (!capture.IsOpened()) throw new InvalidOperationException($"{path}: cannot be opened");
        using var frame = new Mat();
        var count = 0;
        while (capture.Read(frame) && !frame.Empty()) count++;
        return count;
    }
}
