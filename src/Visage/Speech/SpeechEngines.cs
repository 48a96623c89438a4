using System.Runtime.InteropServices;

namespace Visage.Speech;

/// <summary>The text-to-speech programs Visage knows, and which one a platform has.</summary>
internal static class SpeechEngines
{
    public const string Auto = "auto";
    public const string None = "none";

    public static IReadOnlyList<ISpeechEngine> All { get; } =
        [new EspeakNgEngine(), new MacSayEngine(), new WindowsSpeechEngine()];

    /// <summary>espeak-ng on Linux (and anything else), say on macOS, PowerShell's synthesiser on Windows.</summary>
    public static ISpeechEngine ForPlatform() =>
        OperatingSystem.IsMacOS() ? All[1] : OperatingSystem.IsWindows() ? All[2] : All[0];

    /// <summary>The engine a voice setting names (<c>auto</c>: the platform's); null for <c>none</c>.</summary>
    public static ISpeechEngine? Named(string voice)
    {
        if (voice.Equals(None, StringComparison.OrdinalIgnoreCase)) return null;
        if (voice.Equals(Auto, StringComparison.OrdinalIgnoreCase)) return ForPlatform();
        return All.FirstOrDefault(e => e.Name.Equals(voice, StringComparison.OrdinalIgnoreCase))
               ?? throw new InvalidSettingException(VisageSetting.Voice,
                   $"unknown voice '{voice}' (use {Auto}, {None}, or one of {string.Join(", ", All.Select(e => e.Name))})");
    }

    /// <summary>Whether the engine's program is on the PATH.</summary>
    public static bool IsInstalled(ISpeechEngine engine)
    {
        var path = Environment.GetEnvironmentVariable("PATH") ?? "";
        var extensions = RuntimeInformation.IsOSPlatform(OSPlatform.Windows)
            ? (Environment.GetEnvironmentVariable("PATHEXT") ?? ".EXE").Split(';').Append("")
            : [""];
        var program = Path.HasExtension(engine.Program) && OperatingSystem.IsWindows()
            ? Path.GetFileNameWithoutExtension(engine.Program)
            : engine.Program;
        return path.Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
            .SelectMany(folder => extensions.Select(ext => Path.Combine(folder, program + ext)))
            .Any(File.Exists);
    }
}
