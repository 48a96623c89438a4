using Spectre.Console;
using Visage.Video;

namespace Visage.Cli;

/// <summary>Prints each greeting as it happens, for someone watching the terminal.</summary>
internal sealed class GreetingPrinter(IAnsiConsole console) : IWatchEventSink
{
    public void Post(WatchEvent e)
    {
        if (e is not { Kind: WatchEventKind.Greeting, Text: { } text }) return;
        console.MarkupLineInterpolated($"[grey]frame {e.Frame} ({e.Position.TotalSeconds:0.0} s):[/] [green]{text}[/]");
    }

    public Task CompleteAsync(CancellationToken ct = default) => Task.CompletedTask;
}
