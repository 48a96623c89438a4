using Visage.Video;

namespace Visage.Cli;

/// <summary>Says on standard error when a stream goes down, each reconnection attempt that fails, and when it is back.</summary>
internal sealed class ConnectionPrinter(CliRun run) : IWatchEventSink
{
    public void Post(WatchEvent e)
    {
        switch (e.Connection)
        {
            case { Kind: ConnectionEventKind.Disconnected } down:
                run.Warn($"{down.Source}: down ({down.Message}); reconnecting");
                break;
            case { Kind: ConnectionEventKind.Retrying } retry:
                run.Warn($"{retry.Source}: reconnection attempt {retry.Attempt} failed ({retry.Message}); " +
                         $"next in {retry.RetryIn?.TotalSeconds:0.#} s");
                break;
            case { Kind: ConnectionEventKind.Reconnected } back:
                run.Info($"{back.Source}: reconnected after {back.Downtime?.TotalSeconds:0.#} s " +
                         $"({back.Attempt} attempt{(back.Attempt == 1 ? "" : "s")})");
                break;
        }
    }

    public Task CompleteAsync(CancellationToken ct = default) => Task.CompletedTask;
}
