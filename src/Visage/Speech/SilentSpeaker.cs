namespace Visage.Speech;

/// <summary><c>--voice none</c>: greetings are still logged and hooked, just not said.</summary>
public sealed class SilentSpeaker : ISpeaker
{
    public Task SpeakAsync(string text, CancellationToken ct = default) => Task.CompletedTask;
}
