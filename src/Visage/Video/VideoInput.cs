using OpenCvSharp;

namespace Visage.Video;

/// <summary>
/// An opened video source. Opening reads the first frame, so a source that opens but gives no picture
/// (a broken file, a camera in use, a stream that never starts) is refused at once with its name.
/// Frames of a file are timed by the file's frame rate; frames of a live source by the wall clock.
/// Not thread-safe: read from one thread.
/// </summary>
internal sealed class VideoInput : IDisposable
{
    /// <summary>The frame rate assumed when a source does not state a usable one.</summary>
    public const double FallbackFps = 30;

    // OpenCV's CAP_PROP_OPEN_TIMEOUT_MSEC and CAP_PROP_READ_TIMEOUT_MSEC, which OpenCvSharp does not name.
    private const int OpenTimeoutProperty = 53;
    private const int ReadTimeoutProperty = 54;

    private readonly VideoCapture _capture;
    private readonly TimeProvider _time;
    private readonly long _openedAt;
    private Mat? _first;
    private long _next;

    private VideoInput(VideoSource source, VideoCapture capture, Mat first, TimeProvider time)
    {
        Source = source;
        _capture = capture;
        _first = first;
        _time = time;
        _openedAt = time.GetTimestamp();
        var fps = capture.Fps;
        Fps = double.IsFinite(fps) && fps is > 0 and < 1000 ? fps : FallbackFps;
        FrameSize = first.Size();
    }

    public VideoSource Source { get; }
    public double Fps { get; }
    public Size FrameSize { get; }
    public bool IsLive => Source.IsLive;

    /// <summary>
    /// Opens the source and reads its first frame, giving up after <paramref name="timeout"/> (network
    /// streams can hang while connecting).
    /// </summary>
    public static async Task<VideoInput> OpenAsync(VideoSource source, TimeSpan timeout, TimeProvider? time = null,
        CancellationToken ct = default)
    {
        Validate(source);
        var opening = Task.Run(() => Open(source, timeout), CancellationToken.None);
        try
        {
            var (capture, first) = await opening.WaitAsync(timeout + TimeSpan.FromSeconds(1), ct);
            return new VideoInput(source, capture, first, time ?? TimeProvider.System);
        }
        catch (Exception e) when (e is TimeoutException or OperationCanceledException)
        {
            // The native open cannot be interrupted; release whatever it opens once it gives up by itself.
            _ = opening.ContinueWith(t =>
            {
                if (!t.IsCompletedSuccessfully) return;
                t.Result.Capture.Dispose();
                t.Result.First.Dispose();
            }, TaskScheduler.Default);
            if (e is OperationCanceledException) throw;
            throw new VisageException($"{source}: no picture within {timeout.TotalSeconds:0.#} s ({Unreachable})");
        }
    }

    /// <summary>The next frame, or null at the end of a file or when a live source stops giving pictures.</summary>
    public VideoFrame? Read()
    {
        Mat image;
        if (_first is not null)
        {
            image = _first;
            _first = null;
        }
        else
        {
            image = new Mat();
            if (!_capture.Read(image) || image.Empty())
            {
                image.Dispose();
                return null;
            }
        }
        var index = _next++;
        var position = IsLive ? _time.GetElapsedTime(_openedAt) : TimeSpan.FromSeconds(index / Fps);
        return new VideoFrame(index, position, _time.GetUtcNow(), image);
    }

    public void Dispose()
    {
        _first?.Dispose();
        _capture.Dispose();
    }

    private static void Validate(VideoSource source)
    {
        switch (source)
        {
            case VideoSource.Camera { Index: < 0 } camera:
                throw new InvalidSettingException(VisageSetting.Camera, $"a camera index is 0 or more, not {camera.Index}");
            case VideoSource.File file when Directory.Exists(file.Path):
                throw new VisageException($"{file.Path}: is a folder, not a video file");
            case VideoSource.File file when !System.IO.File.Exists(file.Path):
                throw new VisageException($"{file.Path}: no such video file");
            case VideoSource.Url url when !Uri.TryCreate(url.Address, UriKind.Absolute, out var uri) || uri.IsFile:
                throw new InvalidSettingException(VisageSetting.StreamUrl, $"'{url.Address}' is not a stream URL (such as rtsp://HOST/PATH or http://HOST/PATH)");
        }
    }

    private static (VideoCapture Capture, Mat First) Open(VideoSource source, TimeSpan timeout)
    {
        // OpenCV logs every backend it tries; the one line that matters is the error thrown below.
        var logLevel = Cv2.GetLogLevel();
        Cv2.SetLogLevel(OpenCvSharp.LogLevel.SILENT);
        VideoCapture? capture = null;
        try
        {
            var milliseconds = (int)Math.Clamp(timeout.TotalMilliseconds, 1, int.MaxValue);
            capture = source switch
            {
                VideoSource.Camera camera => new VideoCapture(camera.Index, VideoCaptureAPIs.ANY),
                VideoSource.File file => new VideoCapture(file.Path, VideoCaptureAPIs.ANY),
                VideoSource.Url url => new VideoCapture(url.Address, VideoCaptureAPIs.FFMPEG,
                    [OpenTimeoutProperty, milliseconds, ReadTimeoutProperty, milliseconds]),
                _ => throw new ArgumentOutOfRangeException(nameof(source)),
            };
            if (!capture.IsOpened())
                throw new VisageException(source switch
                {
                    VideoSource.Camera => $"{source} could not be opened (no such camera, or it is in use)",
                    VideoSource.File => $"{source}: not a video that can be read (broken, or a format OpenCV does not know)",
                    _ => $"{source}: could not be opened ({Unreachable})",
                });
            var first = new Mat();
            if (!capture.Read(first) || first.Empty())
            {
                first.Dispose();
                throw new VisageException(source switch
                {
                    VideoSource.File => $"{source}: no frame could be read (broken or empty video)",
                    _ => $"{source} opened but gave no picture",
                });
            }
            return (capture, first);
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

    private const string Unreachable =
        "unreachable, not a video stream, or an OpenCV build without network streams";
}
