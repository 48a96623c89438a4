using Visage.Speech;
using Visage.Tests.TestData;

namespace Visage.Tests.Speech;

/// <summary>The real voice (espeak-ng, which ./test installs) writing into a WAV file.</summary>
public sealed class WaveFileSpeakerTests : IDisposable
{
    private readonly TempFolder _temp = new();

    public void Dispose() => _temp.Dispose();

    [Fact]
    public async Task A_greeting_becomes_seconds_of_audible_speech()
    {
        var path = _temp.File("hello.wav");
        var speaker = new WaveFileSpeaker(new EspeakNgEngine(), path);

        await speaker.SpeakAsync(GreetingText.For(["George_W_Bush"]));

        var audio = WavProbe.Read(path);
        Assert.InRange(audio.Duration.TotalSeconds, 1.0, 8.0);
        Assert.True(audio.Rms > 0.02, $"RMS {audio.Rms:0.0000} is near silence");
        Assert.True(audio.VoicedFraction > 0.3, $"only {audio.VoicedFraction:P0} of the file is louder than silence");
    }

    [Fact]
    public async Task Every_sentence_of_a_run_is_kept_in_the_one_file_and_an_old_file_is_replaced()
    {
        var path = _temp.File("run.wav");
        File.WriteAllText(path, "left over from an earlier run");
        var speaker = new WaveFileSpeaker(new EspeakNgEngine(), path);

        await speaker.SpeakAsync("Welcome Ada, have a nice day.");
        var one = WavProbe.Read(path).Duration;
        await speaker.SpeakAsync("Welcome Grace, have a nice day.");
        var two = WavProbe.Read(path).Duration;

        // The second sentence (over a second of speech) follows half a second of silence.
        Assert.True(two - one > TimeSpan.FromSeconds(1.5), $"{one} then {two}");
    }

    [Fact]
    public void A_folder_that_does_not_exist_is_refused_by_name()
    {
        var error = Assert.Throws<InvalidSettingException>(() =>
            new WaveFileSpeaker(new EspeakNgEngine(), _temp.File("missing/out.wav")));
        Assert.Equal(VisageSetting.SpeechFile, error.Setting);
        Assert.Contains("missing", error.Message);
    }
}
