using System.Buffers.Binary;
using System.Text;

namespace Visage.Tests.Speech;

/// <summary>
/// Reads a 16-bit PCM WAV file independently of the product's code and measures it: duration, loudness
/// (RMS of all samples, full scale = 1) and the share of 20 ms windows louder than near-silence.
/// </summary>
internal sealed record WavProbe(int Channels, int SampleRate, TimeSpan Duration, double Rms, double VoicedFraction)
{
    public static WavProbe Read(string path)
    {
        var bytes = File.ReadAllBytes(path);
        Assert.Equal("RIFF", Encoding.ASCII.GetString(bytes, 0, 4));
        Assert.Equal("WAVE", Encoding.ASCII.GetString(bytes, 8, 4));
        int channels = 0, rate = 0, bits = 0;
        for (var at = 12; at + 8 <= bytes.Length;)
        {
            var id = Encoding.ASCII.GetString(bytes, at, 4);
            var size = (int)Math.Min(BinaryPrimitives.ReadUInt32LittleEndian(bytes.AsSpan(at + 4)), (uint)(bytes.Length - at - 8));
            if (id == "fmt ")
            {
                Assert.Equal(1, BinaryPrimitives.ReadInt16LittleEndian(bytes.AsSpan(at + 8)));
                channels = BinaryPrimitives.ReadInt16LittleEndian(bytes.AsSpan(at + 10));
                rate = BinaryPrimitives.ReadInt32LittleEndian(bytes.AsSpan(at + 12));
                bits = BinaryPrimitives.ReadInt16LittleEndian(bytes.AsSpan(at + 22));
            }
            else if (id == "data")
            {
                Assert.Equal(16, bits);
                var samples = new double[size / 2];
                for (var i = 0; i < samples.Length; i++)
                    samples[i] = BinaryPrimitives.ReadInt16LittleEndian(bytes.AsSpan(at + 8 + 2 * i)) / 32768.0;
                return Measure(channels, rate, samples);
            }
            at += 8 + size + (size & 1);
        }
        throw new Xunit.Sdk.XunitException($"{path}: no data chunk");
    }

    private static WavProbe Measure(int channels, int rate, double[] samples)
    {
        var rms = samples.Length == 0 ? 0 : Math.Sqrt(samples.Average(s => s * s));
        var window = Math.Max(1, rate * channels / 50);
        var windows = samples.Chunk(window).ToList();
        var voiced = windows.Count == 0 ? 0
            : (double)windows.Count(w => Math.Sqrt(w.Average(s => s * s)) > 0.01) / windows.Count;
        return new WavProbe(channels, rate, TimeSpan.FromSeconds((double)samples.Length / channels / rate), rms, voiced);
    }
}
