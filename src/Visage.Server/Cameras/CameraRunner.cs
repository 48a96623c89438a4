using System.Diagnostics;
using Visage.Json;
using Visage.Server.Events;
using Visage.Server.Hosting;
using Visage.Server.Strangers;
using Visage.Video;

namespace Visage.Server.Cameras;

/// <summary>
/// One camera at work: its own welcome loop on background threads, sharing the service's loaded networks and
/// people. A source that cannot be opened is tried again with a growing delay, for as long as the camera is
/// enabled; a stream that drops is reopened by the loop itself (its vote and cooldowns carry on); a video file is
/// played again from its start when it ends. Whatever goes wrong stays in this camera's status and events: nothing
/// leaves <see cref="RunAsync"/> but cancellation.
/// </summary>
internal sealed class CameraRunner : IWatchEventSink
{
    private static readonly TimeSpan SampleEvery = TimeSpan.FromSeconds(2);

    private readonly Camera _camera;
    private readonly VisageService _service;
    private readonly EventRecorder _recorder;
    private readonly CameraTimings _timings;
    private readonly object _gate = new();

    private volatile WelcomeLoop? _loop;
    private string _state = "connecting";
    private string? _lastError;
    private DateTimeOffset _since = DateTimeOffset.UtcNow;
    private long _readBefore, _recognisedBefore, _droppedBefore; // of loops that have ended
    private (long Read, long Recognised, long At) _sample = (0, 0, Stopwatch.GetTimestamp());
    private double _fpsRead, _fpsRecognised;
    private int? _width, _height;
    private int _greetings, _unknown;
    private readonly GreetingPolicy _policy;
    private StrangerPolicy? _strangers;

    public CameraRunner(Camera camera, VisageService service, EventRecorder recorder, CameraTimings timings, PreviewFeed preview)
    {
        _camera = camera;
        _service = service;
        _recorder = recorder;
        _timings = timings;
        Preview = preview;
        // One vote for the camera's whole run, on the wall clock: reopening the source keeps who was greeted when.
        _policy = new GreetingPolicy(camera.ConfirmFrames, camera.WindowFrames, camera.Cooldown);
    }

    public Camera Camera => _camera;
    public PreviewFeed Preview { get; }

    public CameraStatusJson Status()
    {
        var loop = _loop;
        lock (_gate)
        {
            var read = _readBefore + (loop?.FramesRead ?? 0);
            var recognised = _recognisedBefore + (loop?.FramesRecognised ?? 0);
            var dropped = _droppedBefore + (loop?.FramesDropped ?? 0);
            var connected = loop?.IsConnected == true && _state == "connected";
            return new CameraStatusJson(_state, connected, Math.Round(_fpsRead, 2), Math.Round(_fpsRecognised, 2), read,
                recognised, dropped, _lastError, _since, _width, _height, _greetings, _unknown);
        }
    }

    public async Task RunAsync(CancellationToken ct)
    {
        using var sampling = new PeriodicTimer(SampleEvery);
        var sampler = SampleAsync(sampling, ct);
        var first = TimeSpan.FromTicks(Math.Max(1, _timings.FirstRetry.Ticks));
        var delay = first;
        var attempts = 0;
        var announced = false;
        DateTimeOffset? downSince = null;
        while (!ct.IsCancellationRequested)
        {
            WelcomeLoop loop;
            try
            {
                // The first camera that asks for liveness loads the network into the shared recognizer; the
                // other cameras run on meanwhile, and a failure here is retried like a source that will not open.
                if (_camera.Liveness) await _service.EnsureLivenessAsync(ct).ConfigureAwait(false);
                loop = await WelcomeLoop.OpenAsync(Settings(), Warn, ct).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (ct.IsCancellationRequested)
            {
                break;
            }
            catch (Exception e)
            {
                attempts++;
                var message = Masked(e.Message);
                SetState("failed", message);
                if (downSince is null)
                {
                    downSince = DateTimeOffset.UtcNow;
                    Record(WatchEventKind.Disconnected, new ConnectionJson(DisconnectReason.Failed, message, attempts,
                        Math.Round(delay.TotalSeconds, 3), null));
                }
                if (!await WaitAsync(delay, ct).ConfigureAwait(false)) break;
                delay = delay * 2 < _timings.MaxRetry ? delay * 2 : _timings.MaxRetry;
                continue;
            }

            await using (loop.ConfigureAwait(false))
            {
                lock (_gate)
                {
                    _width = loop.FrameWidth;
                    _height = loop.FrameHeight;
                }
                _loop = loop;
                SetState("connected", null);
                // Up once at the start, and again after each outage (a file camera starting its file again is neither).
                if (downSince is { } since)
                    Record(WatchEventKind.Reconnected,
                        new ConnectionJson(null, null, attempts + 1, null, Math.Round((DateTimeOffset.UtcNow - since).TotalSeconds, 3)));
                else if (!announced)
                    Record(WatchEventKind.Connected, null);
                announced = true;
                downSince = null;
                attempts = 0;
                delay = first;

                WatchSummary? summary = null;
                string? failure = null;
                try
                {
                    summary = await loop.RunAsync(_service.People, this, ct).ConfigureAwait(false);
                }
                catch (Exception e) when (!ct.IsCancellationRequested)
                {
                    failure = Masked(e.Message);
                }
                finally
                {
                    lock (_gate)
                    {
                        _readBefore += loop.FramesRead;
                        _recognisedBefore += loop.FramesRecognised;
                        _droppedBefore += loop.FramesDropped;
                        _loop = null;
                    }
                }
                if (ct.IsCancellationRequested) break;

                failure ??= summary?.Error is { } error ? Masked(error) : null;
                if (failure is null && _camera.VideoSource is VideoSource.File)
                {
                    SetState("connecting", null); // a file camera plays its file again, as a loop
                    continue;
                }
                downSince = DateTimeOffset.UtcNow;
                var message = failure ?? "the source ended";
                SetState("failed", message);
                Record(WatchEventKind.Disconnected,
                    new ConnectionJson(failure is null ? DisconnectReason.Ended : DisconnectReason.Failed, message, null, null, null));
                if (!await WaitAsync(delay, ct).ConfigureAwait(false)) break;
            }
        }
        SetState("stopped", _lastError);
        await sampler.ConfigureAwait(false);
    }

    private WatchSettings Settings() => new()
    {
        Source = _camera.VideoSource,
        OpenTimeout = _timings.Open,
        StallTimeout = _timings.Stall,
        FirstRetryDelay = _timings.FirstRetry,
        MaxRetryDelay = _timings.MaxRetry,
        RtspTransport = _camera.RtspTransport,
        ConfirmFrames = _camera.ConfirmFrames,
        WindowFrames = _camera.WindowFrames,
        Cooldown = _camera.Cooldown,
        MinFaceSize = _camera.MinFaceSize,
        Voice = _camera.GreetAloud ? "auto" : "none",
        Liveness = _camera.Liveness,
        ReportUnknownFaces = true,
        Policy = _policy,
        Strangers = _strangers ??= new StrangerPolicy(_service.People.Threshold.Value, _camera.ConfirmFrames, _camera.WindowFrames,
            _camera.Cooldown),
        VoteOnWallClock = true,
        SnapshotJpegs = true,
        Preview = Preview,
        WindowTitle = _camera.Name,
    };

    // Called by the loop on its threads: only queues, never waits.
    void IWatchEventSink.Post(WatchEvent e)
    {
        switch (e.Kind)
        {
            case WatchEventKind.Greeting:
                Interlocked.Increment(ref _greetings);
                Record(e);
                break;
            case WatchEventKind.Unknown:
                Interlocked.Increment(ref _unknown);
                Record(e);
                ReportStrangers(e);
                break;
            case WatchEventKind.Disconnected:
                SetState("reconnecting", e.Connection?.Message);
                Record(e);
                break;
            case WatchEventKind.Retrying:
                SetState("reconnecting", e.Connection?.Message);
                break;
            case WatchEventKind.Reconnected:
                SetState("connected", _lastError);
                Record(e);
                break;
        }
    }

    Task IWatchEventSink.CompleteAsync(CancellationToken ct) => Task.CompletedTask;

    /// <summary>
    /// Hands each stranger reported to the service's strangers, who group them for naming (queued, never waited on).
    /// A face that failed the liveness check is left out: it is likely a photo held up, perhaps of someone known.
    /// </summary>
    private void ReportStrangers(WatchEvent e)
    {
        if (e.FaceJpegs is not { } crops) return;
        for (var i = 0; i < e.Faces.Count && i < crops.Count; i++)
            if (e.Faces[i].Embedding is { } encoding && e.Faces[i].Liveness is not { IsLive: false })
                _service.Strangers.Post(new StrangerSighting(encoding, crops[i], $"camera {_camera.Name}", e.Time,
                    $"camera {_camera.Id} {e.Time.ToUnixTimeMilliseconds()} {i}"));
    }

    private void Record(WatchEvent e) => _recorder.Post(new NewCameraEvent(e.Kind, e.Time, _camera.Id, _camera.Name,
        _camera.MaskedSource, e.Names, e.Text, e.Faces.Select(WatchEventJson.Face).ToList(),
        e.Connection is { } connection ? ConnectionJson.From(connection) : null, e.SnapshotJpeg, e.FaceJpegs));

    private void Record(WatchEventKind kind, ConnectionJson? connection) => _recorder.Post(new NewCameraEvent(kind,
        DateTimeOffset.UtcNow, _camera.Id, _camera.Name, _camera.MaskedSource, [], null, [], connection));

    private void SetState(string state, string? error)
    {
        lock (_gate)
        {
            if (_state != state) _since = DateTimeOffset.UtcNow;
            _state = state;
            _lastError = error ?? _lastError;
        }
    }

    private void Warn(string message) => SetState(_state, Masked(message));

    /// <summary>Any message with the camera's password in it, masked (the library masks its own; this is for the rest).</summary>
    private string Masked(string message) => _camera.Source.Length > 0
        ? message.Replace(_camera.Source, _camera.MaskedSource, StringComparison.Ordinal)
        : message;

    private async Task SampleAsync(PeriodicTimer timer, CancellationToken ct)
    {
        try
        {
            while (await timer.WaitForNextTickAsync(ct).ConfigureAwait(false))
            {
                var status = Status();
                var now = Stopwatch.GetTimestamp();
                lock (_gate)
                {
                    var seconds = Stopwatch.GetElapsedTime(_sample.At, now).TotalSeconds;
                    if (seconds <= 0) continue;
                    _fpsRead = (status.FramesRead - _sample.Read) / seconds;
                    _fpsRecognised = (status.FramesRecognised - _sample.Recognised) / seconds;
                    _sample = (status.FramesRead, status.FramesRecognised, now);
                }
            }
        }
        catch (OperationCanceledException)
        {
        }
    }

    private static async Task<bool> WaitAsync(TimeSpan delay, CancellationToken ct)
    {
        try
        {
            await Task.Delay(delay, ct).ConfigureAwait(false);
            return true;
        }
        catch (OperationCanceledException)
        {
            return false;
        }
    }
}
