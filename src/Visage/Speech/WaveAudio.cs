using System.Buffers.Binary;
using System.Text;

namespace Visage.Speech;

/// <summary>
/// Uncompressed PCM audio as a WAV file holds it: the format and the raw sample bytes. Enough to join the
/// greetings of a run into one file; anything but PCM is refused.
/// </summary>
internal sealed record WaveAudio(int Channels, int SampleRate, int BitsPerSample, byte[] Data)
{
    private const ushort Pcm = 1;
    private const ushort Extensible = 0xFFFE;

    public int BlockAlign => Channels * BitsPerSample / 8;

    public TimeSpan Duration => TimeSpan.FromSeconds((double)Data.Length / BlockAlign / SampleRate);

    public bool SameFormatAs(WaveAudio other) =>
        Channels == other.Channels && SampleRate == other.SampleRate && BitsPerSample == other.BitsPerSample;

    public static WaveAudio Read(string path)
    {
        var bytes = File.ReadAllBytes(path);
        if (bytes.Length < 12 || Encoding.ASCII.GetString(bytes, 0, 4) != "RIFF" ||
            Encoding.ASCII.GetString(bytes, 8, 4) != "WAVE")
            throw new VisageException($"{path}: not a WAV file");

        (int Channels, int Rate, int Bits)? format = null;
        for (var at = 12; at + 8 <= bytes.Length;)
        {
            var id = Encoding.ASCII.GetString(bytes, at, 4);
            // Writers that stream (and cannot seek back) leave the size at its maximum: trust the file's end.
            var size = (int)Math.Min(BinaryPrimitives.ReadUInt32LittleEndian(bytes.AsSpan(at + 4)), (uint)(bytes.Length - at - 8));
            var body = bytes.AsSpan(at + 8, size);
            if (id == "fmt " && size >= 16)
            {
                var tag = BinaryPrimitives.ReadUInt16LittleEndian(body);
                if (tag != Pcm && tag != Extensible)
                    throw new VisageException($"{path}: WAV format {tag} is not uncompressed PCM");
                format = (BinaryPrimitives.ReadUInt16LittleEndian(body[2..]),
                    (int)BinaryPrimitives.ReadUInt32LittleEndian(body[4..]),
                    BinaryPrimitives.ReadUInt16LittleEndian(body[14..]));
            }
            else if (id == "data")
            {
                if (format is not { } f || f.Channels < 1 || f.Rate < 1 || f.Bits is not (8 or 16 or 24 or 32))
                    throw new VisageException($"{path}: WAV data before a usable format chunk");
                var whole = size - size % (f.Channels * f.Bits / 8);
                return new WaveAudio(f.Channels, f.Rate, f.Bits, body[..whole].ToArray());
            }
            at += 8 + size + (size & 1);
        }
        throw new VisageException($"{path}: WAV file without audio data");
    }

    /// <summary>This audio followed by <paramref name="gap"/> of silence and then <paramref name="next"/>.</summary>
    public WaveAudio Then(WaveAudio next, TimeSpan gap)
    {
        if (!SameFormatAs(next))
            throw new InvalidOperationException(
                $"cannot join {next.Channels}x{next.BitsPerSample}-bit {next.SampleRate} Hz audio " +
                $"to {Channels}x{BitsPerSample}-bit {SampleRate} Hz");
        var silence = (int)(gap.TotalSeconds * SampleRate) * BlockAlign;
        var joined = new byte[Data.Length + silence + next.Data.Length];
        Data.CopyTo(joined, 0);
        // 8-bit PCM is unsigned: its silence is 128, not 0.
        if (BitsPerSample == 8) joined.AsSpan(Data.Length, silence).Fill(128);
        next.Data.CopyTo(joined, Data.Length + silence);
        return this with { Data = joined };
    }

    /// <summary>Writes a canonical 44-byte-header WAV file, replacing the file only once it is complete.</summary>
    public void Write(string path)
    {
        var staging = path + ".partial";
        using (var stream = new FileStream(staging, FileMode.Create, FileAccess.Write))
        using (var writer = new BinaryWriter(stream))
        {
            writer.Write("RIFF"u8);
            writer.Write(36 + Data.Length);
            writer.Write("WAVE"u8);
            writer.Write("fmt "u8);
            writer.Write(16);
            writer.Write(Pcm);
            writer.Write((ushort)Channels);
            writer.Write(SampleRate);
            writer.Write(SampleRate * BlockAlign);
            writer.Write((ushort)BlockAlign);
            writer.Write((ushort)BitsPerSample);
            writer.Write("data"u8);
            writer.Write(Data.Length);
            writer.Write(Data);
        }
        File.Move(staging, path, overwrite: true);
    }
}
