namespace Visage.Speech;

/// <summary>
/// Windows' built-in synthesiser, driven through Windows PowerShell so that Visage itself needs no
/// Windows-only assembly. The text comes on standard input, so no quoting can go wrong.
/// </summary>
internal sealed class WindowsSpeechEngine : ISpeechEngine
{
    private const string Prelude =
        "Add-Type -AssemblyName System.Speech; " +
        "$voice = New-Object System.Speech.Synthesis.SpeechSynthesizer; " +
        "$text = [Console]::In.ReadToEnd(); ";

    public string Name => "windows";
    public string Program => "powershell.exe";
    public string InstallHint => "it comes with Windows";

    public SpeechCommand Aloud(string text) =>
        new(Program, ["-NoProfile", "-NonInteractive", "-Command", Prelude + "$voice.Speak($text)"], Input: text);

    public SpeechCommand ToWave(string text, string wavePath) =>
        new(Program,
            ["-NoProfile", "-NonInteractive", "-Command",
                Prelude + "$voice.SetOutputToWaveFile($env:VISAGE_WAVE); $voice.Speak($text); $voice.Dispose()"],
            Input: text,
            Environment: new Dictionary<string, string> { ["VISAGE_WAVE"] = wavePath });
}
