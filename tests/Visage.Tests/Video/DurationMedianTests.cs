using Visage.Video;

namespace Visage.Tests.Video;

public sealed class DurationMedianTests
{
    private static TimeSpan Ms(double ms) => TimeSpan.FromMilliseconds(ms);

    [Fact]
    public void Nothing_measured_is_zero() => Assert.Equal(0, new DurationMedian().Milliseconds);

    [Fact]
    public void The_middle_value_to_a_tenth_of_a_millisecond()
    {
        var median = new DurationMedian();
        foreach (var ms in new[] { 30.0, 10.0, 20.0, 1000.0, 12.34 }) median.Add(Ms(ms));

        Assert.Equal(20.05, median.Milliseconds, 2);
        Assert.Equal(5, median.Count);
    }

    [Fact]
    public void An_even_count_gives_the_lower_middle_value()
    {
        var median = new DurationMedian();
        foreach (var ms in new[] { 1.0, 2.0, 3.0, 4.0 }) median.Add(Ms(ms));

        Assert.Equal(2.05, median.Milliseconds, 2);
    }

    [Fact]
    public void Durations_beyond_ten_seconds_are_kept_exactly()
    {
        var median = new DurationMedian();
        foreach (var ms in new[] { 5.0, 12_000.0, 15_000.0 }) median.Add(Ms(ms));

        Assert.Equal(12_000.0, median.Milliseconds);
    }
}
