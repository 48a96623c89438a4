namespace Visage.Video;

/// <summary>
/// Something done with the watch loop's events (a log file, a hook, a voice). <see cref="Post"/> is called on
/// the recognition thread and must not block it; slow work belongs on a background queue.
/// </summary>
public interface IWatchEventSink
{
    void Post(WatchEvent e);

    /// <summary>Finishes the work posted so far; cancelling abandons what is left.</summary>
    Task CompleteAsync(CancellationToken ct = default);
}
