using System.Threading.Channels;

namespace Visage;

/// <summary>
/// Work handed to one background task, in order, so the caller never waits for it (speech, hooks, log
/// lines). A failing item is reported and the next one goes on.
/// </summary>
internal sealed class BackgroundQueue<T> : IDisposable
{
    private readonly Channel<T> _channel = Channel.CreateUnbounded<T>(new UnboundedChannelOptions { SingleReader = true });
    private readonly CancellationTokenSource _abort = new();
    private readonly Func<T, CancellationToken, Task> _handle;
    private readonly Action<T, Exception> _onError;
    private readonly Task _worker;

    public BackgroundQueue(Func<T, CancellationToken, Task> handle, Action<T, Exception> onError)
    {
        _handle = handle;
        _onError = onError;
        _worker = Task.Run(RunAsync);
    }

    /// <summary>Queues an item; false once the queue is completed.</summary>
    public bool Post(T item) => _channel.Writer.TryWrite(item);

    /// <summary>
    /// Takes no more items and waits for those queued to be handled; cancelling <paramref name="ct"/> abandons
    /// what is left and cancels the item being handled.
    /// </summary>
    public async Task CompleteAsync(CancellationToken ct = default)
    {
        _channel.Writer.TryComplete();
        await using (ct.Register(() => _abort.Cancel()))
            await _worker;
    }

    private async Task RunAsync()
    {
        try
        {
            await foreach (var item in _channel.Reader.ReadAllAsync(_abort.Token))
            {
                try
                {
                    await _handle(item, _abort.Token);
                }
                catch (OperationCanceledException) when (_abort.IsCancellationRequested)
                {
                    return;
                }
                catch (Exception e)
                {
                    _onError(item, e);
                }
            }
        }
        catch (OperationCanceledException) when (_abort.IsCancellationRequested)
        {
        }
    }

    public void Dispose()
    {
        _channel.Writer.TryComplete();
        _abort.Cancel();
        _abort.Dispose();
    }
}
