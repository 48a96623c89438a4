namespace Visage.Video;

/// <summary>
/// A mailbox with room for one frame, between the thread that reads frames and the one that recognises them.
/// A new frame replaces (and disposes) one that was not taken yet, so the recogniser always gets the newest
/// frame and a slow recogniser never builds a backlog.
/// </summary>
internal sealed class LatestFrameSlot<T> : IDisposable where T : class, IDisposable
{
    private readonly object _gate = new();
    private T? _item;
    private bool _completed;
    private long _replaced;

    /// <summary>Frames replaced before anyone took them.</summary>
    public long Replaced
    {
        get { lock (_gate) return _replaced; }
    }

    /// <summary>Puts the item in the slot, disposing the one it replaces; after <see cref="Complete"/> the item is disposed.</summary>
    public void Offer(T item)
    {
        T? stale;
        lock (_gate)
        {
            if (_completed)
            {
                stale = item;
            }
            else
            {
                stale = _item;
                if (stale is not null) _replaced++;
                _item = item;
                Monitor.PulseAll(_gate);
            }
        }
        stale?.Dispose();
    }

    /// <summary>
    /// Waits for an item and takes it; false once the slot is completed and empty, or when
    /// <paramref name="ct"/> is cancelled.
    /// </summary>
    public bool TryTake(out T item, CancellationToken ct = default)
    {
        using var wake = ct.Register(Wake);
        lock (_gate)
        {
            while (_item is null && !_completed && !ct.IsCancellationRequested)
                Monitor.Wait(_gate);
            if (_item is null || ct.IsCancellationRequested)
            {
                item = null!;
                return false;
            }
            item = _item;
            _item = null;
            Monitor.PulseAll(_gate);
            return true;
        }
    }

    /// <summary>Waits until the slot is empty (its item taken); false when <paramref name="ct"/> is cancelled first.</summary>
    public bool WaitUntilEmpty(CancellationToken ct = default)
    {
        using var wake = ct.Register(Wake);
        lock (_gate)
        {
            while (_item is not null && !ct.IsCancellationRequested)
                Monitor.Wait(_gate);
            return !ct.IsCancellationRequested;
        }
    }

    /// <summary>No more items will come: a waiting taker gets the last one, then false.</summary>
    public void Complete()
    {
        lock (_gate)
        {
            _completed = true;
            Monitor.PulseAll(_gate);
        }
    }

    public void Dispose()
    {
        T? left;
        lock (_gate)
        {
            _completed = true;
            left = _item;
            _item = null;
            Monitor.PulseAll(_gate);
        }
        left?.Dispose();
    }

    private void Wake()
    {
        lock (_gate) Monitor.PulseAll(_gate);
    }
}
