using System.Diagnostics;

namespace Visage.Speech;

/// <summary>
/// A text-to-speech program to run: its name, its arguments (passed as they are, no shell), the text on its
/// standard input when it reads it there, and extra environment variables.
/// </summary>
internal sealed record SpeechCommand(
    string Program,
    IReadOnlyList<string> Arguments,
    string? Input = null,
    IReadOnlyDictionary<string, string>? Environment = null)
{
    public ProcessStartInfo ToStartInfo()
    {
        var start = new ProcessStartInfo(Program);
        foreach (var argument in Arguments) start.ArgumentList.Add(argument);
        foreach (var (name, value) in Environment ?? new Dictionary<string, string>())
            start.Environment[name] = value;
        return start;
    }
}
