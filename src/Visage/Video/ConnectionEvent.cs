namespace Visage.Video;

/// <summary>
/// A network stream going down or coming back. <see cref="Source"/> is the masked address; <see cref="Message"/>
/// says in one line what happened (why it went down, why an attempt failed). <see cref="Attempt"/> counts the
/// reconnection attempts of this outage (the one that failed, or the one that succeeded); <see cref="RetryIn"/> is
/// the wait before the next attempt; <see cref="Downtime"/> how long the outage lasted, once it is over.
/// </summary>
public sealed record ConnectionEvent(
    ConnectionEventKind Kind,
    DateTimeOffset Time,
    string Source,
    string Message,
    DisconnectReason? Reason = null,
    int Attempt = 0,
    TimeSpan? RetryIn = null,
    TimeSpan? Downtime = null);
