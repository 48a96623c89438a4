using OpenCvSharp;

namespace Visage.Video;

/// <summary>
/// A camera or a video file, read by OpenCV. A file that stops giving pictures well before the end its container
/// states (cut short, or broken midway) is an error, not an ordinary end.
/// </summary>
internal sealed class OpenCvFrameStream : IFrameStream
{
    private readonly VideoSource _source;
    private readonly VideoCapture _capture;
    private Mat? _first;
    private long _read;
    private double _lastMilliseconds;

    private OpenCvFrameStream(VideoSource source, VideoCapture capture, Mat first)
    {
        _source = source;
        _capture = capture;
        _first = first;
        FrameSize = first.Size();
        var fps = capture.Fps;
        Fps = double.IsFinite(fps) && fps is > 0 and < 1000 ? fps : null;
        _lastMilliseconds = capture.Get(VideoCaptureProperties.PosMsec);
    }

    public Size FrameSize { get; }
    public double? Fps { get; }

    /// <summary>Opens the camera or file and reads its first frame; throws <see cref="VideoException"/> naming it.</summary>
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
                throw new VideoException(source.ToString(), source is VideoSource.Camera
                    ? $"{source} could not be opened (no such camera, or it is in use)"
                    : $"{source}: not a video that can be read (broken, or a format OpenCV does not know)");
            var first = new Mat();
            if (!capture.Read(first) || first.Empty())
            {
                first.Dispose();
                throw new VideoException(source.ToString(), source is VideoSource.File
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
            _read++;
            return first;
        }
        var image = new Mat();
        if (_capture.Read(image) && !image.Empty())
        {
            _read++;
            _lastMilliseconds = _capture.Get(VideoCaptureProperties.PosMsec);
            return image;
        }
        image.Dispose();
        if (_source is VideoSource.File) CheckReachedTheEnd();
        return null;
    }

    /// <summary>
    /// Throws when the file ended well short of the frames its container states. Container counts of some formats
    /// are estimates (duration times frame rate), so a file whose last picture came near the stated duration
    /// passes even with fewer frames than stated.
    /// </summary>
    private void CheckReachedTheEnd()
    {
        var stated = (long)Math.Round(_capture.Get(VideoCaptureProperties.FrameCount));
        if (stated <= 0 || Fps is not { } fps) return;
        var missing = stated - _read;
        if (missing <= Math.Max(2, stated / 50)) return;
        var statedSeconds = stated / fps;
        var reachedSeconds = _lastMilliseconds / 1000 + 1 / fps;
        if (double.IsFinite(reachedSeconds) && reachedSeconds >= statedSeconds * 0.98) return;
        throw new VideoException(_source.ToString(),
            $"{_source}: the video ends after {_read} of its {stated} frames (cut short or corrupt)");
    }

    public void Dispose()
    {
        _first?.Dispose();
        _capture.Dispose();
    }
}
