using System.Threading.Channels;
using Visage.Server.Webhooks;

namespace Visage.Server.Events;

/// <summary>
/// Stores the cameras' events off their recognition threads: <see cref="Post"/> only queues (a full queue drops its
/// oldest event rather than wait); one writer stores each event with its pictures, then hands it to the page's live
/// listeners and to the webhooks. Also deletes events past the retention, at start and every hour.
/// </summary>
public sealed class EventRecorder(EventStore store, EventHub hub, WebhookDispatcher webhooks, TimeSpan retention,
    Action<string> warn)
{
    private static readonly TimeSpan SweepEvery = TimeSpan.FromHours(1);
    private readonly Channel<NewCameraEvent> _queue = Channel.CreateBounded<NewCameraEvent>(new BoundedChannelOptions(10_000)
    {
        FullMode = BoundedChannelFullMode.DropOldest, SingleReader = true,
    });
    private long _stored;

    /// <summary>Events stored since the service started.</summary>
    public long Stored => Interlocked.Read(ref _stored);

    public void Post(NewCameraEvent e) => _queue.Writer.TryWrite(e);

    public async Task RunAsync(CancellationToken ct)
    {
        var sweeping = SweepLoopAsync(ct);
        try
        {
            await foreach (var e in _queue.Reader.ReadAllAsync(ct).ConfigureAwait(false))
            {
                CameraEventJson stored;
                try
                {
                    stored = store.Add(e);
                }
                catch (Exception error) when (error is Microsoft.Data.Sqlite.SqliteException or IOException)
                {
                    warn($"camera {e.CameraName}: its {e.Kind} event could not be stored ({error.Message})");
                    continue;
                }
                Interlocked.Increment(ref _stored);
                hub.Publish(stored);
                webhooks.Publish(stored);
            }
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
        }
        await sweeping.ConfigureAwait(false);
    }

    /// <summary>Deletes the events older than the retention, with their snapshots; returns how many went.</summary>
    public int Sweep(DateTimeOffset? now = null) => store.DeleteOlderThan((now ?? DateTimeOffset.UtcNow) - retention);

    private async Task SweepLoopAsync(CancellationToken ct)
    {
        while (!ct.IsCancellationRequested)
        {
            try
            {
                Sweep();
            }
            catch (Exception error) when (error is Microsoft.Data.Sqlite.SqliteException or IOException)
            {
                warn($"old events could not be deleted ({error.Message}); trying again in an hour");
            }
            try
            {
                await Task.Delay(SweepEvery, ct).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }
}
