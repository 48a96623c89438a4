namespace Visage.Video;

/// <summary>
/// The newest annotated picture of a running loop, for any number of viewers: one writer publishes, viewers take
/// the latest or wait for the next one. A slow viewer skips pictures; it never holds up the loop.
/// </summary>
public sealed class PreviewFeed
{
    private readonly object _gate = new();
    private PreviewFrame? _latest;
    private TaskCompletionSource<PreviewFrame> _next = NewWaiter();

    public PreviewFrame? Latest
    {
        get { lock (_gate) return _latest; }
    }

    public void Publish(byte[] jpeg, DateTimeOffset time)
    {
        TaskCompletionSource<PreviewFrame> waiting;
        PreviewFrame frame;
        lock (_gate)
        {
            frame = new PreviewFrame((_latest?.Sequence ?? 0) + 1, time, jpeg);
            _latest = frame;
            waiting = _next;
            _next = NewWaiter();
        }
        waiting.TrySetResult(frame);
    }

    /// <summary>The first picture newer than <paramref name="after"/> (a sequence number; 0 for any), waiting for it.</summary>
    public async Task<PreviewFrame> NextAsync(long after, CancellationToken ct = default)
    {
        Task<PreviewFrame> waiting;
        lock (_gate)
        {
            if (_latest is { } latest && latest.Sequence > after) return latest;
            waiting = _next.Task;
        }
        return await waiting.WaitAsync(ct).ConfigureAwait(false);
    }

    private static TaskCompletionSource<PreviewFrame> NewWaiter() => new(TaskCreationOptions.RunContinuationsAsynchronously);
}
