namespace Visage.Speech;

/// <summary>
/// The seed's words: "Welcome NAME, have a nice day." for one person, and for several at once
/// "Welcome A and B, have a nice day!" or "Welcome A, B, and C, have a nice day!".
/// </summary>
internal static class GreetingText
{
    public static string For(IReadOnlyList<string> names)
    {
        if (names.Count == 0)
            throw new ArgumentException("a greeting needs at least one name", nameof(names));
        var spoken = names.Select(SpokenName).ToList();
        return spoken.Count switch
        {
            1 => $"Welcome {spoken[0]}, have a nice day.",
            2 => $"Welcome {spoken[0]} and {spoken[1]}, have a nice day!",
            _ => $"Welcome {string.Join(", ", spoken[..^1])}, and {spoken[^1]}, have a nice day!",
        };
    }

    /// <summary>A name as written, with underscores (LFW's and file names' spaces) read as spaces.</summary>
    public static string SpokenName(string name) =>
        string.Join(' ', name.Split('_', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));
}
