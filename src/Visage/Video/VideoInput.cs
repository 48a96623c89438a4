using OpenCvSharp;

namespace Visage.Video;

/// <summary>
/// An opened video source. Opening reads the first frame, so a source that opens but gives no picture
/// (a broken file, a camera in use, a stream that never starts) is refused at once with its name.
/// Cameras and files are read by OpenCV; network streams by ffmpeg, and a network stream that ends, stalls or
/// fails once it has opened is reopened, with a growing delay between attempts, for as long as it is read:
/// <see cref="Read"/> then waits for the reconnection and goes on numbering frames, and every change is reported
/// on <see cref="ConnectionChanged"/>. Frames of a file are timed by the file's frame rate; frames of a live
/// source by the wall clock since it was opened. Not thread-safe: read from one thread.
/// </summary>
internal sealed class VideoInput : IDisposable
{
    /// <summary>The frame rate assumed when a source does not state a usable one.</summary>
    public const double FallbackFps = 30;

    private readonly VideoInputOptions _options;
    private readonly TimeProvider _time;
    private readonly ReconnectBackoff _backoff;
    private readonly long _openedAt;
    private volatile IFrameStream? _stream;
    private long _connectedAt;
    private long _next;
    private int _disconnections;
    private int _reconnections;
    private volatile string? _lastError;

    private VideoInput(VideoSource source, IFrameStream stream, VideoInputOptions options, TimeProvider time)
    {
        Source = source;
        _stream = stream;
        _options = options;
        _time = time;
        _backoff = new ReconnectBackoff(options.FirstRetryDelay, options.MaxRetryDelay);
        _openedAt = _connectedAt = time.GetTimestamp();
        Fps = stream.Fps ?? FallbackFps;
        FrameSize = stream.FrameSize;
    }

    public VideoSource Source { get; }
    public double Fps { get; }

    /// <summary>The size of the first frame (a stream that changes size later is scaled to it by ffmpeg).</summary>
    public Size FrameSize { get; }

    public bool IsLive => Source.IsLive;

    /// <summary>Whether frames are coming (false while a network stream is being reconnected).</summary>
    public bool IsConnected => _stream is not null;

    /// <summary>How many times the network stream went down since it was opened.</summary>
    public int Disconnections => Volatile.Read(ref _disconnections);

    /// <summary>How many times it came back.</summary>
    public int Reconnections => Volatile.Read(ref _reconnections);

    /// <summary>Why the stream last went down or last failed to reconnect (masked, one line), if it ever did.</summary>
    public string? LastError => _lastError;

    /// <summary>
    /// A network stream went down, a reconnection attempt failed, or the stream came back. Raised on the thread
    /// that calls <see cref="Read"/>; handlers must not block.
    /// </summary>
    public event Action<ConnectionEvent>? ConnectionChanged;

    /// <summary>
    /// Opens the source and reads its first frame, giving up after <paramref name="timeout"/> (network
    /// streams can hang while connecting).
    /// </summary>
    public static Task<VideoInput> OpenAsync(VideoSource source, TimeSpan timeout, TimeProvider? time = null,
        CancellationToken ct = default) =>
        OpenAsync(source, new VideoInputOptions { OpenTimeout = timeout }, time, ct);

    /// <summary>
    /// Opens the source and reads its first frame within the options' open timeout. A source that cannot be opened
    /// now is a <see cref="VideoException"/> naming it (and saying why), even a network stream: reconnection is
    /// for streams that have worked.
    /// </summary>
    public static async Task<VideoInput> OpenAsync(VideoSource source, VideoInputOptions options,
        TimeProvider? time = null, CancellationToken ct = default)
    {
        options.Validate();
        Validate(source);
        var stream = source is VideoSource.Url url
            ? await OpenStreamAsync(url, options, ct)
            : await OpenLocalAsync(source, options.OpenTimeout, ct);
        return new VideoInput(source, stream, options, time ?? TimeProvider.System);
    }

    private static async Task<IFrameStream> OpenStreamAsync(VideoSource.Url url, VideoInputOptions options,
        CancellationToken ct)
    {
        try
        {
            return await Task.Run(() => FfmpegFrameStream.Open(url.Address, options, ct), CancellationToken.None);
        }
        catch (StreamFailure failure)
        {
            throw new VideoException(url.ToString(), $"{url}: {failure.Message}", failure);
        }
    }

    private static async Task<IFrameStream> OpenLocalAsync(VideoSource source, TimeSpan timeout, CancellationToken ct)
    {
        var opening = Task.Run(() => OpenCvFrameStream.Open(source), CancellationToken.None);
        try
        {
            return await opening.WaitAsync(timeout + TimeSpan.FromSeconds(1), ct);
        }
        catch (Exception e) when (e is TimeoutException or OperationCanceledException)
        {
            // The native open cannot be interrupted; release whatever it opens once it gives up by itself.
            _ = opening.ContinueWith(t =>
            {
                if (t.IsCompletedSuccessfully) t.Result.Dispose();
            }, TaskScheduler.Default);
            if (e is OperationCanceledException) throw;
            throw new VideoException(source.ToString(), $"{source}: no picture within {timeout.TotalSeconds:0.#} s");
        }
    }

    /// <summary>
    /// The next frame, or null at the end of a file or when a camera stops giving pictures. A network stream has
    /// no end: when it goes down this waits for it to come back (or for <paramref name="ct"/>, which throws
    /// <see cref="OperationCanceledException"/>). A file that ends well short of its stated length throws
    /// <see cref="VideoException"/>.
    /// </summary>
    public VideoFrame? Read(CancellationToken ct = default)
    {
        while (true)
        {
            var stream = _stream ?? Reconnect(ct);
            Mat? image;
            StreamFailure? failure = null;
            try
            {
                image = stream.Read(ct);
            }
            catch (StreamFailure e) when (Source is VideoSource.Url)
            {
                image = null;
                failure = e;
            }
            if (image is not null) return Frame(image);
            if (Source is not VideoSource.Url) return null;
            Drop(failure);
        }
    }

    private VideoFrame Frame(Mat image)
    {
        var index = _next++;
        var position = IsLive ? _time.GetElapsedTime(_openedAt) : TimeSpan.FromSeconds(index / Fps);
        return new VideoFrame(index, position, _time.GetUtcNow(), image);
    }

    private void Drop(StreamFailure? failure)
    {
        _stream?.Dispose();
        _stream = null;
        _backoff.Dropped(_time.GetElapsedTime(_connectedAt));
        _connectedAt = _time.GetTimestamp();
        Interlocked.Increment(ref _disconnections);
        var message = failure?.Message ?? "the stream ended";
        _lastError = message;
        Raise(new ConnectionEvent(ConnectionEventKind.Disconnected, _time.GetUtcNow(), Source.ToString(), message,
            failure?.Reason ?? DisconnectReason.Ended));
    }

    private IFrameStream Reconnect(CancellationToken ct)
    {
        var address = ((VideoSource.Url)Source).Address;
        var downSince = _connectedAt;
        for (var attempt = 1; ; attempt++)
        {
            var delay = _backoff.NextDelay();
            if (delay > TimeSpan.Zero) ct.WaitHandle.WaitOne(delay);
            ct.ThrowIfCancellationRequested();
            try
            {
                var stream = FfmpegFrameStream.Open(address, _options, ct);
                _stream = stream;
                _connectedAt = _time.GetTimestamp();
                Interlocked.Increment(ref _reconnections);
                Raise(new ConnectionEvent(ConnectionEventKind.Reconnected, _time.GetUtcNow(), Source.ToString(),
                    $"back after {attempt} attempt{(attempt == 1 ? "" : "s")}", Attempt: attempt,
                    Downtime: _time.GetElapsedTime(downSince)));
                return stream;
            }
            catch (StreamFailure e)
            {
                _lastError = e.Message;
                Raise(new ConnectionEvent(ConnectionEventKind.Retrying, _time.GetUtcNow(), Source.ToString(),
                    e.Message, Attempt: attempt, RetryIn: _backoff.PeekDelay()));
            }
        }
    }

    private void Raise(ConnectionEvent e) => ConnectionChanged?.Invoke(e);

    public void Dispose() => _stream?.Dispose();

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
            case VideoSource.Url url when !StreamAddress.IsSupported(url.Address):
                throw new InvalidSettingException(VisageSetting.StreamUrl,
                    $"'{url}' is not a stream URL (rtsp://, rtsps://, http:// or https:// HOST/PATH)");
        }
    }
}
