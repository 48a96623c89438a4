namespace Visage.Video;

/// <summary>
/// Why a network stream went down or how it came back: <c>{"reason","error","attempt","retryInSeconds","downSeconds"}</c>.
/// <c>disconnected</c>: reason (<c>ended</c>, <c>stalled</c> or <c>failed</c>) and error; <c>retrying</c>: the attempt
/// that failed, its error, and the wait before the next; <c>reconnected</c>: the attempts it took and how long the
/// stream was down. Errors are one line, with any password in the address masked.
/// </summary>
public sealed record ConnectionJson(DisconnectReason? Reason, string? Error, int? Attempt, double? RetryInSeconds,
    double? DownSeconds)
{
    public static ConnectionJson From(ConnectionEvent e) => new(
        e.Reason,
        e.Kind == ConnectionEventKind.Reconnected ? null : e.Message,
        e.Attempt > 0 ? e.Attempt : null,
        e.RetryIn is { } retry ? Math.Round(retry.TotalSeconds, 3) : null,
        e.Downtime is { } down ? Math.Round(down.TotalSeconds, 3) : null);
}
