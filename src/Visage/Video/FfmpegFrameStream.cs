using System.ComponentModel;
using System.Diagnostics;
using OpenCvSharp;

namespace Visage.Video;

/// <summary>
/// A network stream read by an ffmpeg child process that decodes it to raw BGR frames on its standard output.
/// A watchdog kills ffmpeg when no picture comes within the open timeout (at the start) or the stall timeout
/// (afterwards), so a read never waits longer than that; ffmpeg's standard error says why anything else failed.
/// The stall clock runs only while a read waits: a reader that pauses (loading models after opening the stream)
/// does not make the stream look stalled.
/// </summary>
internal sealed class FfmpegFrameStream : IFrameStream
{
    private const string Cancelled = "cancelled";
    private const string OpenTimedOut = "open timed out";
    private const string Stalled = "stalled";
    private const string Closed = "closed";

    private readonly string _address;
    private readonly VideoInputOptions _options;
    private readonly Process _process;
    private readonly Stream _frames;
    private readonly FfmpegLog _log;
    private readonly Task _stderr;
    private readonly Timer _watchdog;
    private Mat? _first;
    private int _frameBytes;
    private volatile bool _opened;
    private string? _stopReason;

    private FfmpegFrameStream(string address, VideoInputOptions options, Process process)
    {
        _address = address;
        _options = options;
        _process = process;
        _frames = process.StandardOutput.BaseStream;
        _log = new FfmpegLog(address);
        _stderr = Task.Run(async () =>
        {
            try
            {
                while (await process.StandardError.ReadLineAsync().ConfigureAwait(false) is { } line) _log.Add(line);
            }
            catch (Exception e) when (e is IOException or ObjectDisposedException)
            {
            }
            finally
            {
                _log.Completed();
            }
        });
        _watchdog = new Timer(_ => Stop(_opened ? Stalled : OpenTimedOut));
    }

    public Size FrameSize { get; private set; }

    public double? Fps => _log.InputFps;

    /// <summary>
    /// Starts ffmpeg and waits for the first picture; throws <see cref="StreamFailure"/> when none comes within
    /// the open timeout or ffmpeg fails first.
    /// </summary>
    public static FfmpegFrameStream Open(string address, VideoInputOptions options, CancellationToken ct)
    {
        var start = new ProcessStartInfo(options.Ffmpeg)
        {
            UseShellExecute = false,
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        foreach (var argument in FfmpegArguments.For(address, options)) start.ArgumentList.Add(argument);
        Process process;
        try
        {
            process = Process.Start(start) ?? throw new Win32Exception();
        }
        catch (Win32Exception e)
        {
            throw new StreamFailure(DisconnectReason.Failed,
                $"{options.Ffmpeg} could not be started ({e.Message}): network streams are read through ffmpeg; " +
                "install it (on Debian: apt-get install ffmpeg)");
        }
        process.StandardInput.Close();

        var stream = new FfmpegFrameStream(address, options, process);
        try
        {
            stream.ReadFirst(ct);
            return stream;
        }
        catch
        {
            stream.Dispose();
            throw;
        }
    }

    private void ReadFirst(CancellationToken ct)
    {
        using var cancel = ct.Register(() => Stop(Cancelled));
        _watchdog.Change(_options.OpenTimeout, Timeout.InfiniteTimeSpan);
        var size = _log.OutputSize.GetAwaiter().GetResult();
        if (size is not { Width: > 0, Height: > 0 } known) throw Failure(ct, framesSeen: false);
        FrameSize = known;
        _frameBytes = known.Width * known.Height * 3;
        _first = ReadFrame() ?? throw Failure(ct, framesSeen: false);
        _opened = true;
        _watchdog.Change(Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
    }

    public Mat? Read(CancellationToken ct)
    {
        if (_first is { } first)
        {
            _first = null;
            return first;
        }
        using var cancel = ct.Register(() => Stop(Cancelled));
        _watchdog.Change(_options.StallTimeout, Timeout.InfiniteTimeSpan);
        var frame = ReadFrame();
        _watchdog.Change(Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
        if (frame is not null) return frame;
        var failure = Failure(ct, framesSeen: true);
        if (failure.Reason == DisconnectReason.Ended) return null;
        throw failure;
    }

    private unsafe Mat? ReadFrame()
    {
        var frame = new Mat(FrameSize.Height, FrameSize.Width, MatType.CV_8UC3);
        var pixels = new Span<byte>((void*)frame.Data, _frameBytes);
        var filled = 0;
        try
        {
            while (filled < _frameBytes)
            {
                var read = _frames.Read(pixels[filled..]);
                if (read == 0) break;
                filled += read;
            }
        }
        catch (Exception e) when (e is IOException or ObjectDisposedException)
        {
        }
        if (filled == _frameBytes) return frame;
        frame.Dispose();
        return null;
    }

    /// <summary>Why ffmpeg stopped writing frames, once it has exited (it is stopped if it has not).</summary>
    private StreamFailure Failure(CancellationToken ct, bool framesSeen)
    {
        if (!_process.WaitForExit(TimeSpan.FromSeconds(2))) Stop(Closed);
        _process.WaitForExit(TimeSpan.FromSeconds(2));
        _stderr.Wait(TimeSpan.FromSeconds(2));
        var stopReason = Volatile.Read(ref _stopReason);
        if (stopReason == Cancelled) ct.ThrowIfCancellationRequested();

        var seconds = (stopReason == Stalled ? _options.StallTimeout : _options.OpenTimeout).TotalSeconds;
        switch (stopReason)
        {
            case Stalled:
                return new StreamFailure(DisconnectReason.Stalled, $"no picture for {seconds:0.#} s");
            case OpenTimedOut when _log.InputOpened:
                return new StreamFailure(DisconnectReason.Failed, $"connected, but no picture within {seconds:0.#} s");
            case OpenTimedOut:
                return new StreamFailure(DisconnectReason.Failed,
                    $"no answer within {seconds:0.#} s (unreachable, or not a video stream)");
        }
        int? exitCode = _process.HasExited ? _process.ExitCode : null;
        if (exitCode == 0 && (framesSeen || _log.Problems.Count == 0))
            return new StreamFailure(DisconnectReason.Ended,
                framesSeen ? "the stream ended" : "the stream ended before its first picture");
        return new StreamFailure(DisconnectReason.Failed, _log.Explain(exitCode, _options.RtspTransport));
    }

    private void Stop(string reason)
    {
        Interlocked.CompareExchange(ref _stopReason, reason, null);
        try
        {
            if (!_process.HasExited) _process.Kill(entireProcessTree: true);
        }
        catch (Exception e) when (e is InvalidOperationException or Win32Exception)
        {
            // It exited meanwhile.
        }
    }

    public void Dispose()
    {
        _watchdog.Dispose();
        Stop(Closed);
        _process.WaitForExit(TimeSpan.FromSeconds(2));
        _process.Dispose();
        _first?.Dispose();
    }
}
