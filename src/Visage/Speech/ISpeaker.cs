namespace Visage.Speech;

/// <summary>Says a sentence: aloud, into a file, or nowhere. Returns once it has been said.</summary>
public interface ISpeaker
{
    Task SpeakAsync(string text, CancellationToken ct = default);
}
