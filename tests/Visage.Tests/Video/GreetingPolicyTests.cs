using Visage.Video;

namespace Visage.Tests.Video;

public sealed class GreetingPolicyTests
{
    private static TimeSpan At(double seconds) => TimeSpan.FromSeconds(seconds);

    /// <summary>Feeds one frame per entry, 0.1 s apart; returns who was greeted at each frame.</summary>
    private static List<IReadOnlyList<string>> Feed(GreetingPolicy policy, params string[][] frames) =>
        frames.Select((names, i) => policy.Observe(names, At(i * 0.1))).ToList();

    [Fact]
    public void A_person_is_greeted_on_the_third_of_five_frames_by_default()
    {
        var greeted = Feed(new GreetingPolicy(), ["Ada"], ["Ada"], ["Ada"], ["Ada"]);

        Assert.Empty(greeted[0]);
        Assert.Empty(greeted[1]);
        Assert.Equal(["Ada"], greeted[2]);
        Assert.Empty(greeted[3]);
    }

    [Fact]
    public void Frames_need_not_be_consecutive_only_within_the_window()
    {
        var greeted = Feed(new GreetingPolicy(3, 5), ["Ada"], [], ["Ada"], [], ["Ada"]);

        Assert.Equal(["Ada"], greeted[4]);
    }

    [Fact]
    public void Sightings_that_fall_out_of_the_window_no_longer_count()
    {
        // Ada at frames 0, 1, 5, 6: never three within any five consecutive frames.
        var greeted = Feed(new GreetingPolicy(3, 5), ["Ada"], ["Ada"], [], [], [], ["Ada"], ["Ada"]);

        Assert.All(greeted, Assert.Empty);
    }

    [Fact]
    public void A_single_bad_frame_greets_nobody()
    {
        var greeted = Feed(new GreetingPolicy(), ["Bob"], ["Ada"], ["Ada"], ["Ada"]);

        Assert.DoesNotContain(greeted, g => g.Contains("Bob"));
        Assert.Equal(["Ada"], greeted[3]);
    }

    [Fact]
    public void Nobody_is_greeted_again_within_the_cooldown_and_is_after_it()
    {
        var policy = new GreetingPolicy(1, 1, TimeSpan.FromMinutes(10));

        Assert.Equal(["Ada"], policy.Observe(["Ada"], At(0)));
        Assert.Empty(policy.Observe(["Ada"], At(1)));
        Assert.Empty(policy.Observe(["Ada"], TimeSpan.FromMinutes(10) - TimeSpan.FromTicks(1)));
        Assert.Equal(["Ada"], policy.Observe(["Ada"], TimeSpan.FromMinutes(10)));
        Assert.Empty(policy.Observe(["Ada"], TimeSpan.FromMinutes(15)));
    }

    [Fact]
    public void Each_person_has_their_own_cooldown()
    {
        var policy = new GreetingPolicy(1, 1, TimeSpan.FromSeconds(30));

        Assert.Equal(["Ada"], policy.Observe(["Ada"], At(0)));
        Assert.Equal(["Bob"], policy.Observe(["Ada", "Bob"], At(10)));
        Assert.Equal(["Ada"], policy.Observe(["Ada", "Bob"], At(30)));
        Assert.Equal(["Bob"], policy.Observe(["Ada", "Bob"], At(40)));
    }

    [Fact]
    public void People_confirmed_in_the_same_frame_are_greeted_together_in_the_order_given()
    {
        var greeted = Feed(new GreetingPolicy(2, 3), ["Bob", "Ada"], ["Bob", "Ada"]);

        Assert.Equal(["Bob", "Ada"], greeted[1]);
    }

    [Fact]
    public void A_zero_cooldown_greets_whenever_confirmed()
    {
        var policy = new GreetingPolicy(1, 1, TimeSpan.Zero);

        Assert.Equal(["Ada"], policy.Observe(["Ada"], At(0)));
        Assert.Equal(["Ada"], policy.Observe(["Ada"], At(0.1)));
    }

    [Theory]
    [InlineData(0, 5)]
    [InlineData(6, 5)]
    [InlineData(1, 0)]
    public void Impossible_counts_are_refused(int confirm, int window)
    {
        var error = Assert.Throws<InvalidSettingException>(() => new GreetingPolicy(confirm, window));
        Assert.Contains("frame", error.Message);
    }

    [Fact]
    public void A_negative_cooldown_is_refused() =>
        Assert.Equal(VisageSetting.Cooldown,
            Assert.Throws<InvalidSettingException>(() => new GreetingPolicy(3, 5, TimeSpan.FromSeconds(-1))).Setting);
}
