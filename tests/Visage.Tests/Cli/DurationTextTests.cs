using Visage.Cli;

namespace Visage.Tests.Cli;

public sealed class DurationTextTests
{
    [Theory]
    [InlineData("10m", 600)]
    [InlineData("30s", 30)]
    [InlineData("90", 90)]
    [InlineData("1.5", 1.5)]
    [InlineData("1h", 3600)]
    [InlineData("30d", 2_592_000)]
    [InlineData("500ms", 0.5)]
    [InlineData("1m30s", 90)]
    [InlineData(" 2M ", 120)]
    [InlineData("0", 0)]
    public void Durations_with_or_without_a_unit(string text, double seconds) =>
        Assert.Equal(TimeSpan.FromSeconds(seconds), DurationText.Parse(text, "--cooldown"));

    [Theory]
    [InlineData("")]
    [InlineData("ten minutes")]
    [InlineData("-5s")]
    [InlineData("5x")]
    [InlineData("m")]
    [InlineData("1,5s")]
    public void Anything_else_is_refused_naming_the_option(string text)
    {
        var error = Assert.Throws<UsageException>(() => DurationText.Parse(text, "--cooldown"));
        Assert.StartsWith($"--cooldown: '{text}' is not a duration", error.Message);
    }

    [Theory]
    [InlineData(600, "10m")]
    [InlineData(3600, "1h")]
    [InlineData(90, "90s")]
    [InlineData(0.5, "0.5s")]
    public void Short_forms_for_messages(double seconds, string text) =>
        Assert.Equal(text, DurationText.Format(TimeSpan.FromSeconds(seconds)));
}
