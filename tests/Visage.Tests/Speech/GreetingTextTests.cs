using Visage.Speech;

namespace Visage.Tests.Speech;

public sealed class GreetingTextTests
{
    [Fact]
    public void One_person_gets_the_seeds_sentence() =>
        Assert.Equal("Welcome skuli, have a nice day.", GreetingText.For(["skuli"]));

    [Fact]
    public void Two_people_are_joined_by_and() =>
        Assert.Equal("Welcome Ada and Grace, have a nice day!", GreetingText.For(["Ada", "Grace"]));

    [Fact]
    public void Three_or_more_people_get_a_list_with_a_serial_comma()
    {
        Assert.Equal("Welcome Ada, Grace, and Alan, have a nice day!", GreetingText.For(["Ada", "Grace", "Alan"]));
        Assert.Equal("Welcome A, B, C, and D, have a nice day!", GreetingText.For(["A", "B", "C", "D"]));
    }

    [Theory]
    [InlineData("George_W_Bush", "George W Bush")]
    [InlineData("Ada", "Ada")]
    [InlineData("_odd__name_", "odd name")]
    [InlineData("Zoë Ångström", "Zoë Ångström")]
    public void Names_are_spoken_as_written_with_underscores_as_spaces(string name, string spoken) =>
        Assert.Equal(spoken, GreetingText.SpokenName(name));

    [Fact]
    public void Names_in_a_greeting_are_spoken_too() =>
        Assert.Equal("Welcome Aaron Peirsol and Abdullah Gul, have a nice day!",
            GreetingText.For(["Aaron_Peirsol", "Abdullah_Gul"]));

    [Fact]
    public void Nobody_is_not_a_greeting() =>
        Assert.Throws<ArgumentException>(() => GreetingText.For([]));
}
