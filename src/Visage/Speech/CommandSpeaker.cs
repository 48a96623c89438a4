namespace Visage.Speech;

/// <summary>Speaks aloud through the platform's text-to-speech program.</summary>
internal sealed class CommandSpeaker(ISpeechEngine engine) : ISpeaker
{
    private static readonly TimeSpan Limit = TimeSpan.FromMinutes(1);

    public async Task SpeakAsync(string text, CancellationToken ct = default)
    {
        var command = engine.Aloud(text);
        var outcome = await ExternalProcess.RunAsync(command.ToStartInfo(), command.Input, Limit, ct);
        if (outcome.ExitCode != 0)
            throw new VisageException(
                $"{engine.Program} exited with status {outcome.ExitCode}{Detail(outcome.LastErrorLine)}");
    }

    internal static string Detail(string? line) => line is null ? "" : $" ({line})";
}
