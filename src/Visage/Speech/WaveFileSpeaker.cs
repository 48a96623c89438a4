namespace Visage.Speech;

/// <summary>
/// Writes what is said to one WAV file instead of the speaker: every sentence of the run,
/// in order, half a second apart. The file is rewritten whole after each sentence, so it is always playable.
/// </summary>
internal sealed class WaveFileSpeaker : ISpeaker
{
    private static readonly TimeSpan Limit = TimeSpan.FromMinutes(1);
    private static readonly TimeSpan Gap = TimeSpan.FromSeconds(0.5);

    private readonly ISpeechEngine _engine;
    private readonly string _path;
    private WaveAudio? _said;

    /// <summary>Checks that the file can be written; a file already there is replaced at the first sentence.</summary>
    public WaveFileSpeaker(ISpeechEngine engine, string path)
    {
        var folder = Path.GetDirectoryName(Path.GetFullPath(path))!;
        if (!Directory.Exists(folder))
            throw new InvalidSettingException(VisageSetting.SpeechFile, $"{path}: folder {folder} does not exist");
        if (Directory.Exists(path))
            throw new InvalidSettingException(VisageSetting.SpeechFile, $"{path}: is a folder, not a file");
        _engine = engine;
        _path = path;
    }

    public async Task SpeakAsync(string text, CancellationToken ct = default)
    {
        var piece = Path.Combine(Path.GetTempPath(), $"visage-speech-{Guid.NewGuid():N}.wav");
        try
        {
            var command = _engine.ToWave(text, piece);
            var outcome = await ExternalProcess.RunAsync(command.ToStartInfo(), command.Input, Limit, ct);
            if (outcome.ExitCode != 0 || !File.Exists(piece))
                throw new VisageException(
                    $"{_engine.Program} exited with status {outcome.ExitCode} without writing speech" +
                    CommandSpeaker.Detail(outcome.LastErrorLine));
            var audio = WaveAudio.Read(piece);
            _said = _said is null ? audio : _said.Then(audio, Gap);
            _said.Write(_path);
        }
        finally
        {
            File.Delete(piece);
        }
    }
}
