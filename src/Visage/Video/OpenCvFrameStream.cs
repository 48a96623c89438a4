using OpenCvSharp;

namespace Visage.Video;

/// <summary>A camera or a video file, read by OpenCV.</summary>
internal sealed class OpenCvFrameStream : IFrameStream
{
    private readonly VideoSource _source;
    private readonly VideoCapture _capture;
    private Mat? _first;

    private OpenCvFrameStream(VideoSource source, VideoCapture capture, Mat first)
    {
        _source = source;
        _capture = capture;
        _first = first;
        FrameSize = first.Size();
        var fps = capture.Fps;
        Fps = double.IsFinite(fps) && fps is > 0 and < 1000 ? fps : null;
    }

    public Size FrameSize { get; }
    public double? Fps { get; }

    /// <summary>Opens the camera or file and reads its first frame; throws <see cref="VisageException"/> naming it.</summary>
    public static OpenCvFrameStream Open(VideoSource source)
    {
        // OpenCV logs every backend it tries; the one line that matters is the error thrown below.
        var logLevel = Cv2.GetLogLevel();
        Cv2.SetLogLevel(OpenCvSharp.LogLevel.SILENT);
        VideoCapture? capture = null;
        try
        {
            capture = source switch
            {
                VideoSource.Camera camera => new VideoCapture(camera.Index, VideoCaptureAPIs.ANY),
                VideoSource.File file => new VideoCapture(file.Path, VideoCaptureAPIs.ANY),
                _ => throw new ArgumentOutOfRangeException(nameof(source), source, "OpenCV reads cameras and files"),
            };
            if (!capture.IsOpened())
                throw new VisageException(source is VideoSource.Camera
                    ? $"{source} could not be opened (no such camera, or it is in use)"
                    : $"{source}: not a video that can be read (broken, or a format OpenCV does not know)");
            var first = new Mat();
            if (!capture.Read(first) || first.Empty())
            {
                first.Dispose();
                throw new VisageException(source is VideoSource.File
                    ? $"{source}: no frame could be read (broken or empty video)"
                    : $"{source} opened but gave no picture");
            }
            return new OpenCvFrameStream(source, capture, first);
        }
        catch
        {
            capture?.Dispose();
            throw;
        }
        finally
        {
            Cv2.SetLogLevel(logLevel);
        }
    }

    public Mat? Read(CancellationToken ct)
    {
        ct.ThrowIfCancellationRequested();
        if (_first is { } first)
        {
            _first = null;
            return first;
        }
        var image = new Mat();
        if (_capture.Read(image) && !image.Empty()) return image;
        image.Dispose();
        return null;
    }

    public void Dispose()
    {
        _first?.Dispose();
        _capture.Dispose();
    }
}
