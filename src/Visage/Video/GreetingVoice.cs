using Visage.Speech;

namespace Visage.Video;

/// <summary>
/// Says each greeting on a background queue, so recognition never waits for a voice. A speaker that fails is
/// reported (once) and the loop goes on.
/// </summary>
internal sealed class GreetingVoice : IWatchEventSink, IDisposable
{
    private readonly BackgroundQueue<string> _queue;
    private int _warned;

    public GreetingVoice(ISpeaker speaker, Action<string> warn)
    {
        _queue = new BackgroundQueue<string>(
            (text, ct) => speaker.SpeakAsync(text, ct),
            (_, error) =>
            {
                if (Interlocked.Exchange(ref _warned, 1) == 0)
                    warn($"speech: {error.Message} (further speech errors are not reported)");
            });
    }

    public void Post(WatchEvent e)
    {
        if (e is { Kind: WatchEventKind.Greeting, Text: { } text }) _queue.Post(text);
    }

    public Task CompleteAsync(CancellationToken ct = default) => _queue.CompleteAsync(ct);

    public void Dispose() => _queue.Dispose();
}
