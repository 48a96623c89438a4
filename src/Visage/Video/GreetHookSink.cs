using System.Diagnostics;

namespace Visage.Video;

/// <summary>
/// The greeting command: runs it through the shell for each greeting, with the greeting's
/// JSON line on its standard input (door locks, home automation, webhooks). Hooks run one after another on a
/// background queue; one that fails or runs past its time limit is reported and the loop goes on.
/// </summary>
internal sealed class GreetHookSink(string command, Action<string> warn, TimeSpan? timeLimit = null)
    : IWatchEventSink, IDisposable
{
    private readonly BackgroundQueue<WatchEvent> _queue = new(
        (e, ct) => RunAsync(command, e, timeLimit ?? TimeSpan.FromSeconds(30), ct),
        (_, error) => warn($"greeting command: {error.Message}"));

    public void Post(WatchEvent e)
    {
        if (e.Kind == WatchEventKind.Greeting) _queue.Post(e);
    }

    public Task CompleteAsync(CancellationToken ct = default) => _queue.CompleteAsync(ct);

    public void Dispose() => _queue.Dispose();

    private static async Task RunAsync(string command, WatchEvent e, TimeSpan limit, CancellationToken ct)
    {
        var start = OperatingSystem.IsWindows()
            ? new ProcessStartInfo("cmd.exe") { ArgumentList = { "/d", "/s", "/c", command } }
            : new ProcessStartInfo("/bin/sh") { ArgumentList = { "-c", command } };
        ExternalProcess.Outcome outcome;
        try
        {
            outcome = await ExternalProcess.RunAsync(start, WatchEventJson.Serialize(e) + "\n", limit, ct);
        }
        catch (VisageException failure)
        {
            throw new VisageException($"'{command}' for frame {e.Frame}: {failure.Message}", failure);
        }
        if (outcome.ExitCode != 0)
            throw new VisageException($"'{command}' exited with status {outcome.ExitCode} for frame {e.Frame}" +
                                      (outcome.LastErrorLine is { } line ? $" ({line})" : ""));
    }
}
