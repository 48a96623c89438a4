using System.Buffers.Binary;

namespace Visage.Imaging;

/// <summary>PNG: size from IHDR, Exif from eXIf, and a chunk walk that must reach IEND.</summary>
internal static class PngHeader
{
    private const int SignatureLength = 8;

    public static ImageHeader Parse(ReadOnlySpan<byte> bytes)
    {
        (int, int)? size = null;
        Range? exif = null;
        var pos = SignatureLength;
        var first = true;
        while (true)
        {
            if (pos + 8 > bytes.Length)
                throw MalformedImageException.Truncated("PNG ends before the IEND chunk");

            var length = BinaryPrimitives.ReadUInt32BigEndian(bytes[pos..]);
            var type = bytes.Slice(pos + 4, 4);
            if (length > int.MaxValue)
                throw MalformedImageException.Corrupt($"corrupt PNG chunk length at byte {pos}");
            var dataStart = pos + 8;
            var next = (long)dataStart + length + 4; // + CRC
            if (next > bytes.Length)
                throw MalformedImageException.Truncated(
                    $"PNG chunk '{ChunkName(type)}' runs past the end of the file");
            var data = bytes.Slice(dataStart, (int)length);

            if (first)
            {
                if (!type.SequenceEqual("IHDR"u8) || length < 13)
                    throw MalformedImageException.Corrupt("PNG does not start with an IHDR chunk");
                var width = BinaryPrimitives.ReadUInt32BigEndian(data);
                var height = BinaryPrimitives.ReadUInt32BigEndian(data[4..]);
                if (width == 0 || height == 0 || width > int.MaxValue || height > int.MaxValue)
                    throw MalformedImageException.Corrupt($"PNG header gives an invalid size {width}x{height}");
                size = ((int)width, (int)height);
                first = false;
            }
            else if (type.SequenceEqual("eXIf"u8) && exif is null)
            {
                exif = dataStart..(dataStart + (int)length);
            }
            else if (type.SequenceEqual("IEND"u8))
            {
                return new ImageHeader(ImageFormat.Png, size, exif);
            }

            pos = (int)next;
        }
    }

    private static string ChunkName(ReadOnlySpan<byte> type)
    {
        foreach (var b in type)
            if (b is < (byte)'A' or > (byte)'z' or (> (byte)'Z' and < (byte)'a'))
                return "?";
        return System.Text.Encoding.ASCII.GetString(type);
    }
}
