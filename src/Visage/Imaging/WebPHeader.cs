using System.Buffers.Binary;

namespace Visage.Imaging;

/// <summary>
/// WebP: the RIFF size must fit in the file; size from the VP8, VP8L or VP8X chunk;
/// Exif from the EXIF chunk of an extended (VP8X) file.
/// </summary>
internal static class WebPHeader
{
    private const int RiffHeaderLength = 12;

    public static ImageHeader Parse(ReadOnlySpan<byte> bytes)
    {
        var riffSize = BinaryPrimitives.ReadUInt32LittleEndian(bytes[4..]);
        var declared = (long)riffSize + 8;
        if (declared > bytes.Length)
            throw MalformedImageException.Truncated(
                $"WebP RIFF header says {declared} bytes, the file has {bytes.Length}");
        var riff = bytes[..(int)declared];

        (int, int)? size = null;
        Range? exif = null;
        var pos = RiffHeaderLength;
        var first = true;
        while (pos + 8 <= riff.Length)
        {
            var fourCc = riff.Slice(pos, 4);
            var length = BinaryPrimitives.ReadUInt32LittleEndian(riff[(pos + 4)..]);
            var dataStart = pos + 8;
            if (dataStart + (long)length > riff.Length)
                throw MalformedImageException.Truncated("WebP chunk runs past the end of the file");
            var data = riff.Slice(dataStart, (int)length);

            if (first)
            {
                size = ReadSize(fourCc, data);
                first = false;
            }
            else if (fourCc.SequenceEqual("EXIF"u8) && exif is null)
            {
                exif = dataStart..(dataStart + (int)length);
            }

            pos = dataStart + (int)length + (int)(length & 1); // chunks are padded to even length
        }

        if (first)
            throw MalformedImageException.Truncated("WebP file has no image chunk");
        return new ImageHeader(ImageFormat.WebP, size, exif);
    }

    private static (int, int)? ReadSize(ReadOnlySpan<byte> fourCc, ReadOnlySpan<byte> data)
    {
        if (fourCc.SequenceEqual("VP8 "u8) && data.Length >= 10 && data.Slice(3, 3) is [0x9D, 0x01, 0x2A])
        {
            // Top two bits of each are an upscaling hint, not part of the size.
            var width = BinaryPrimitives.ReadUInt16LittleEndian(data[6..]) & 0x3FFF;
            var height = BinaryPrimitives.ReadUInt16LittleEndian(data[8..]) & 0x3FFF;
            return width > 0 && height > 0 ? (width, height) : null;
        }
        if (fourCc.SequenceEqual("VP8L"u8) && data.Length >= 5 && data[0] == 0x2F)
        {
            var bits = BinaryPrimitives.ReadUInt32LittleEndian(data[1..]);
            return ((int)(bits & 0x3FFF) + 1, (int)((bits >> 14) & 0x3FFF) + 1);
        }
        if (fourCc.SequenceEqual("VP8X"u8) && data.Length >= 10)
        {
            return (ReadUInt24(data[4..]) + 1, ReadUInt24(data[7..]) + 1);
        }
        return null;
    }

    private static int ReadUInt24(ReadOnlySpan<byte> b) => b[0] | b[1] << 8 | b[2] << 16;
}
