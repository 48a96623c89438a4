using Visage.Video;

namespace Visage.Tests.Video;

/// <summary>Keeps every event posted, for assertions.</summary>
internal sealed class CollectingSink : IWatchEventSink
{
    private readonly List<WatchEvent> _events = [];

    public IReadOnlyList<WatchEvent> Events
    {
        get { lock (_events) return _events.ToList(); }
    }

    public IReadOnlyList<WatchEvent> Greetings => Events.Where(e => e.Kind == WatchEventKind.Greeting).ToList();

    public void Post(WatchEvent e)
    {
        lock (_events) _events.Add(e);
    }

    public Task CompleteAsync(CancellationToken ct = default) => Task.CompletedTask;
}
