using Spectre.Console;
using Visage.Video;

namespace Visage.Cli;

/// <summary>
/// What someone watching the terminal sees as it happens: each greeting on standard output (not with --json,
/// whose output is the summary), and a stream going down, each failed reconnection attempt and its return on
/// standard error.
/// </summary>
internal sealed class WatchPrinter(CliRun run) : IWatchEventSink
{
    public void Post(WatchEvent e)
    {
        switch (e)
        {
            case { Kind: WatchEventKind.Greeting, Text: { } text } when !run.Json:
                run.Out.MarkupLineInterpolated($"[grey]frame {e.Frame} ({e.Position.TotalSeconds:0.0} s):[/] [green]{text}[/]");
                break;
            case { Connection: { Kind: ConnectionEventKind.Disconnected } down }:
                run.Warn($"{down.Source}: down ({down.Message}); reconnecting");
                break;
            case { Connection: { Kind: ConnectionEventKind.Retrying } retry }:
                run.Warn($"{retry.Source}: reconnection attempt {retry.Attempt} failed ({retry.Message}); " +
                         $"next in {retry.RetryIn?.TotalSeconds:0.#} s");
                break;
            case { Connection: { Kind: ConnectionEventKind.Reconnected } back }:
                run.Info($"{back.Source}: reconnected after {back.Downtime?.TotalSeconds:0.#} s " +
                         $"({back.Attempt} attempt{(back.Attempt == 1 ? "" : "s")})");
                break;
        }
    }

    public Task CompleteAsync(CancellationToken ct = default) => Task.CompletedTask;
}
