using System.Collections.Concurrent;
using Microsoft.Extensions.Hosting;
using Visage.Server.Events;
using Visage.Server.Hosting;
using Visage.Server.Webhooks;
using Visage.Video;

namespace Visage.Server.Cameras;

/// <summary>
/// The service's background work: a <see cref="CameraRunner"/> per enabled camera (started with the service, and
/// again whenever a camera is changed through the API), the event recorder with its retention sweep, and the
/// webhooks' senders. Every camera runs apart from the others; one that fails never stops another or the service.
/// </summary>
public sealed class CameraWorkers : IHostedService, IAsyncDisposable
{
    private readonly VisageService _service;
    private readonly CameraStore _cameras;
    private readonly EventRecorder _recorder;
    private readonly WebhookDispatcher _webhooks;
    private readonly ServerOptions _options;
    private readonly SemaphoreSlim _changing = new(1, 1);
    private readonly ConcurrentDictionary<string, Running> _running = new();
    private readonly ConcurrentDictionary<string, PreviewFeed> _previews = new();
    private readonly CancellationTokenSource _stopping = new();
    private Task _recording = Task.CompletedTask;
    private bool _started;

    private sealed record Running(CameraRunner Runner, CancellationTokenSource Stop, Task Task);

    public CameraWorkers(VisageService service, CameraStore cameras, EventRecorder recorder, WebhookDispatcher webhooks,
        ServerOptions options)
    {
        _service = service;
        _cameras = cameras;
        _recorder = recorder;
        _webhooks = webhooks;
        _options = options;
    }

    public CameraStore Cameras => _cameras;
    public EventRecorder Recorder => _recorder;

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        _recording = Task.Run(() => _recorder.RunAsync(_stopping.Token));
        _started = true;
        if (!_options.RunCameras) return;
        foreach (var camera in _cameras.List().Where(c => c.Enabled)) await ApplyAsync(camera).ConfigureAwait(false);
    }

    /// <summary>Runs the camera as it is now stored: stops the old runner if any, starts a new one when enabled.</summary>
    public async Task ApplyAsync(Camera camera)
    {
        await _changing.WaitAsync().ConfigureAwait(false);
        try
        {
            await StopOneAsync(camera.Id).ConfigureAwait(false);
            if (!camera.Enabled || !_options.RunCameras || !_started || _stopping.IsCancellationRequested) return;
            var runner = new CameraRunner(camera, _service, _recorder, _options.CameraTimings, Preview(camera.Id));
            var stop = CancellationTokenSource.CreateLinkedTokenSource(_stopping.Token);
            var task = Task.Run(() => runner.RunAsync(stop.Token));
            _running[camera.Id] = new Running(runner, stop, task);
        }
        finally
        {
            _changing.Release();
        }
    }

    public async Task RemoveAsync(string id)
    {
        await _changing.WaitAsync().ConfigureAwait(false);
        try
        {
            await StopOneAsync(id).ConfigureAwait(false);
            _previews.TryRemove(id, out _);
        }
        finally
        {
            _changing.Release();
        }
    }

    public CameraStatusJson Status(Camera camera) =>
        _running.TryGetValue(camera.Id, out var running) ? running.Runner.Status()
        : camera.Enabled && _options.RunCameras ? CameraStatusJson.Disabled with { State = "stopped" }
        : CameraStatusJson.Disabled;

    /// <summary>The camera's live preview (the same feed across restarts of its runner).</summary>
    public PreviewFeed Preview(string id) => _previews.GetOrAdd(id, _ => new PreviewFeed());

    public bool IsRunning(string id) => _running.ContainsKey(id);

    private async Task StopOneAsync(string id)
    {
        if (!_running.TryRemove(id, out var running)) return;
        running.Stop.Cancel();
        try
        {
            await running.Task.WaitAsync(TimeSpan.FromSeconds(15)).ConfigureAwait(false);
        }
        catch (TimeoutException)
        {
            // A source stuck in a native call: its threads end with it; the camera is free to start again.
        }
        running.Stop.Dispose();
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        await _changing.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            _stopping.Cancel();
            await Task.WhenAll(_running.Keys.ToList().Select(StopOneAsync)).ConfigureAwait(false);
        }
        finally
        {
            _changing.Release();
        }
        await _recording.ConfigureAwait(false);
        await _webhooks.DisposeAsync().ConfigureAwait(false);
    }

    public async ValueTask DisposeAsync()
    {
        if (!_stopping.IsCancellationRequested) await StopAsync(CancellationToken.None).ConfigureAwait(false);
        _stopping.Dispose();
    }
}
