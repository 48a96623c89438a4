namespace Visage.Speech;

/// <summary>Says a sentence: aloud, into a file, or nowhere. Returns once it has been said.</summary>
internal interface ISpeaker
{
    Task SpeakAsync(string text, CancellationToken ct = default);
}
