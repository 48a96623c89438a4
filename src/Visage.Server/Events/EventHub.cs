using System.Collections.Concurrent;
using System.Threading.Channels;

namespace Visage.Server.Events;

/// <summary>
/// Hands each stored event to whoever listens now (the page's Server-Sent Events streams). Each listener has a
/// queue of its own that drops its oldest events when it falls 256 behind, so a stalled browser holds up nobody.
/// </summary>
public sealed class EventHub
{
    private readonly ConcurrentDictionary<long, Channel<CameraEventJson>> _listeners = new();
    private long _next;

    public int Listeners => _listeners.Count;

    public void Publish(CameraEventJson e)
    {
        foreach (var listener in _listeners.Values) listener.Writer.TryWrite(e);
    }

    /// <summary>Starts listening; dispose the subscription to stop.</summary>
    public Subscription Subscribe()
    {
        var id = Interlocked.Increment(ref _next);
        var channel = Channel.CreateBounded<CameraEventJson>(new BoundedChannelOptions(256)
        {
            FullMode = BoundedChannelFullMode.DropOldest, SingleReader = true,
        });
        _listeners[id] = channel;
        return new Subscription(this, id, channel.Reader);
    }

    public sealed class Subscription(EventHub hub, long id, ChannelReader<CameraEventJson> reader) : IDisposable
    {
        public ChannelReader<CameraEventJson> Events => reader;

        public void Dispose()
        {
            if (hub._listeners.TryRemove(id, out var channel)) channel.Writer.TryComplete();
        }
    }
}
