namespace Visage.Speech;

/// <summary>macOS's built-in <c>say</c>.</summary>
internal sealed class MacSayEngine : ISpeechEngine
{
    public string Name => "say";
    public string Program => "say";
    public string InstallHint => "it comes with macOS";

    // say reads the text from standard input when none is given on the command line.
    public SpeechCommand Aloud(string text) => new(Program, [], Input: text);

    public SpeechCommand ToWave(string text, string wavePath) =>
        new(Program, ["-o", wavePath, "--file-format=WAVE", "--data-format=LEI16@22050"], Input: text);
}
