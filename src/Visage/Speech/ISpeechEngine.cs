namespace Visage.Speech;

/// <summary>A text-to-speech program of the platform, as the commands that speak a sentence.</summary>
internal interface ISpeechEngine
{
    /// <summary>The name a voice setting uses for it.</summary>
    string Name { get; }

    /// <summary>The program that must be on the PATH.</summary>
    string Program { get; }

    /// <summary>How to install it, for the message when it is missing.</summary>
    string InstallHint { get; }

    SpeechCommand Aloud(string text);

    /// <summary>Writes the speech to a 16-bit PCM WAV file instead of the speaker.</summary>
    SpeechCommand ToWave(string text, string wavePath);
}
