namespace Visage.Speech;

/// <summary>eSpeak NG, the Linux voice (Debian package espeak-ng).</summary>
internal sealed class EspeakNgEngine : ISpeechEngine
{
    public string Name => "espeak-ng";
    public string Program => "espeak-ng";
    public string InstallHint => "apt-get install espeak-ng";

    // "--" ends the options, so a name starting with a dash is still read as text.
    public SpeechCommand Aloud(string text) => new(Program, ["--", text]);

    public SpeechCommand ToWave(string text, string wavePath) => new(Program, ["-w", wavePath, "--", text]);
}
