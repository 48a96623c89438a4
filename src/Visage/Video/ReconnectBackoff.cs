namespace Visage.Video;

/// <summary>
/// How long to wait before each reconnection attempt: nothing before the first, then the first delay, doubling
/// with every attempt up to the maximum. A connection that stays up for at least the maximum delay starts the
/// next outage from nothing again; one that drops sooner (a flapping camera) carries on where the last left off.
/// </summary>
internal sealed class ReconnectBackoff(TimeSpan firstDelay, TimeSpan maxDelay)
{
    private int _attempts;

    /// <summary>The wait before the next attempt, which this counts.</summary>
    public TimeSpan NextDelay()
    {
        var delay = DelayBefore(_attempts);
        _attempts++;
        return delay;
    }

    /// <summary>The wait that <see cref="NextDelay"/> will return, without counting an attempt.</summary>
    public TimeSpan PeekDelay() => DelayBefore(_attempts);

    /// <summary>The connection that just dropped had been up this long.</summary>
    public void Dropped(TimeSpan upFor)
    {
        if (upFor >= maxDelay) _attempts = 0;
    }

    private TimeSpan DelayBefore(int attempt)
    {
        if (attempt == 0) return TimeSpan.Zero;
        var doublings = Math.Min(attempt - 1, 30);
        var delay = firstDelay * Math.Pow(2, doublings);
        return delay < maxDelay ? delay : maxDelay;
    }
}
