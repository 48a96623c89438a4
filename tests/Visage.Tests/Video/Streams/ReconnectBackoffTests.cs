using Visage.Video;

namespace Visage.Tests.Video.Streams;

public sealed class ReconnectBackoffTests
{
    private static readonly TimeSpan Second = TimeSpan.FromSeconds(1);

    [Fact]
    public void The_first_attempt_is_at_once_then_the_wait_doubles_up_to_the_cap()
    {
        var backoff = new ReconnectBackoff(Second, 30 * Second);

        var delays = Enumerable.Range(0, 9).Select(_ => backoff.NextDelay().TotalSeconds).ToList();

        Assert.Equal([0, 1, 2, 4, 8, 16, 30, 30, 30], delays);
    }

    [Fact]
    public void Peeking_does_not_count_an_attempt()
    {
        var backoff = new ReconnectBackoff(Second, 30 * Second);
        backoff.NextDelay();

        Assert.Equal(Second, backoff.PeekDelay());
        Assert.Equal(Second, backoff.NextDelay());
    }

    [Fact]
    public void A_connection_that_held_starts_the_next_outage_afresh_and_a_flapping_one_does_not()
    {
        var backoff = new ReconnectBackoff(Second, 30 * Second);
        for (var i = 0; i < 4; i++) backoff.NextDelay();

        backoff.Dropped(TimeSpan.FromSeconds(5));
        Assert.Equal(8 * Second, backoff.PeekDelay());

        backoff.Dropped(TimeSpan.FromMinutes(5));
        Assert.Equal(TimeSpan.Zero, backoff.PeekDelay());
    }
}
