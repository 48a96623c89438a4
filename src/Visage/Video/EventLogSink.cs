using System.Text;

namespace Visage.Video;

/// <summary>
/// The event log: appends each event as one JSON line, flushed at once so other programs can
/// follow the file. Greetings always; recognitions only when the loop reports them.
/// </summary>
internal sealed class EventLogSink : IWatchEventSink, IDisposable
{
    private readonly StreamWriter _writer;
    private readonly BackgroundQueue<WatchEvent> _queue;

    public EventLogSink(string path, Action<string> warn)
    {
        try
        {
            _writer = new StreamWriter(new FileStream(path, FileMode.Append, FileAccess.Write, FileShare.Read),
                new UTF8Encoding(encoderShouldEmitUTF8Identifier: false));
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new InvalidSettingException(VisageSetting.EventLog, $"{path}: cannot write there ({e.Message})");
        }
        _queue = new BackgroundQueue<WatchEvent>(
            async (e, ct) =>
            {
                await _writer.WriteLineAsync(WatchEventJson.Serialize(e).AsMemory(), ct);
                await _writer.FlushAsync(ct);
            },
            (_, error) => warn($"event log {path}: {error.Message}"));
    }

    public void Post(WatchEvent e) => _queue.Post(e);

    public async Task CompleteAsync(CancellationToken ct = default)
    {
        await _queue.CompleteAsync(ct);
        await _writer.FlushAsync(CancellationToken.None);
    }

    public void Dispose()
    {
        _queue.Dispose();
        _writer.Dispose();
    }
}
