namespace Visage.Speech;

/// <summary>The voice "none": greetings are still logged and hooked, just not said.</summary>
internal sealed class SilentSpeaker : ISpeaker
{
    public Task SpeakAsync(string text, CancellationToken ct = default) => Task.CompletedTask;
}
