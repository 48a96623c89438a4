using Visage.Speech;
using Visage.Tests.TestData;

namespace Visage.Tests.Speech;

public sealed class WaveAudioTests : IDisposable
{
    private readonly TempFolder _temp = new();

    public void Dispose() => _temp.Dispose();

    private static WaveAudio Tone(double seconds, int rate = 8000)
    {
        var data = new byte[(int)(seconds * rate) * 2];
        for (var i = 0; i < data.Length / 2; i++)
            BitConverter.TryWriteBytes(data.AsSpan(2 * i), (short)(10000 * Math.Sin(2 * Math.PI * 440 * i / rate)));
        return new WaveAudio(1, rate, 16, data);
    }

    [Fact]
    public void Written_audio_reads_back_the_same_and_an_independent_reader_agrees()
    {
        var path = _temp.File("tone.wav");
        var tone = Tone(0.5);

        tone.Write(path);
        var back = WaveAudio.Read(path);

        Assert.Equal(tone.Data, back.Data);
        Assert.True(back.SameFormatAs(tone));
        var probe = WavProbe.Read(path);
        Assert.Equal(0.5, probe.Duration.TotalSeconds, 3);
        Assert.Equal(10000 / 32768.0 / Math.Sqrt(2), probe.Rms, 2);
    }

    [Fact]
    public void Joining_puts_silence_between_the_pieces()
    {
        var joined = Tone(0.5).Then(Tone(0.25), TimeSpan.FromSeconds(0.5));

        Assert.Equal(1.25, joined.Duration.TotalSeconds, 3);
        Assert.All(joined.Data.Skip(4000 * 2).Take(4000 * 2), b => Assert.Equal(0, b));
    }

    [Fact]
    public void Audio_of_another_format_cannot_be_joined() =>
        Assert.Throws<InvalidOperationException>(() => Tone(0.1, 8000).Then(Tone(0.1, 16000), TimeSpan.Zero));

    [Fact]
    public void A_file_that_is_not_wav_is_refused_by_name()
    {
        var path = _temp.Write("noise.wav", [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13]);

        var error = Assert.Throws<VisageException>(() => WaveAudio.Read(path));
        Assert.Contains("noise.wav", error.Message);
    }
}
