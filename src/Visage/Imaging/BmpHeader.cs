using System.Buffers.Binary;

namespace Visage.Imaging;

/// <summary>BMP: size from the info header (negative height = top-down) and a pixel-data length check.</summary>
internal static class BmpHeader
{
    private const int FileHeaderLength = 14;
    private const int CoreHeaderLength = 12; // OS/2 BITMAPCOREHEADER, 16-bit dimensions

    private const uint BiRgb = 0, BiRle8 = 1, BiRle4 = 2, BiBitfields = 3, BiAlphaBitfields = 6;

    public static ImageHeader Parse(ReadOnlySpan<byte> bytes)
    {
        if (bytes.Length < FileHeaderLength + 4)
            throw MalformedImageException.Truncated("BMP ends inside its header");

        var pixelOffset = BinaryPrimitives.ReadUInt32LittleEndian(bytes[10..]);
        var infoLength = BinaryPrimitives.ReadUInt32LittleEndian(bytes[FileHeaderLength..]);
        if (infoLength != CoreHeaderLength && infoLength is < 40 or > 1024)
            throw MalformedImageException.Corrupt($"unknown BMP info header of {infoLength} bytes");
        if (bytes.Length < FileHeaderLength + infoLength)
            throw MalformedImageException.Truncated("BMP ends inside its header");

        var info = bytes[FileHeaderLength..];
        long width, height;
        int bitsPerPixel;
        uint compression = BiRgb, imageSize = 0;
        if (infoLength == CoreHeaderLength)
        {
            width = BinaryPrimitives.ReadUInt16LittleEndian(info[4..]);
            height = BinaryPrimitives.ReadUInt16LittleEndian(info[6..]);
            bitsPerPixel = BinaryPrimitives.ReadUInt16LittleEndian(info[10..]);
        }
        else
        {
            width = BinaryPrimitives.ReadInt32LittleEndian(info[4..]);
            height = Math.Abs((long)BinaryPrimitives.ReadInt32LittleEndian(info[8..]));
            bitsPerPixel = BinaryPrimitives.ReadUInt16LittleEndian(info[14..]);
            compression = BinaryPrimitives.ReadUInt32LittleEndian(info[16..]);
            imageSize = BinaryPrimitives.ReadUInt32LittleEndian(info[20..]);
        }

        if (width <= 0 || height <= 0 || width > int.MaxValue || height > int.MaxValue)
            throw MalformedImageException.Corrupt($"BMP header gives an invalid size {width}x{height}");
        if (pixelOffset > bytes.Length)
            throw MalformedImageException.Truncated("BMP ends before its pixel data");

        long expected = compression switch
        {
            BiRgb or BiBitfields or BiAlphaBitfields when bitsPerPixel is > 0 and <= 64 =>
                (width * bitsPerPixel + 31) / 32 * 4 * height,
            BiRle8 or BiRle4 => imageSize,
            _ => 0, // other codings: leave it to the decoder
        };
        var available = bytes.Length - (long)pixelOffset;
        if (expected > available)
            throw MalformedImageException.Truncated(
                $"BMP pixel data is {available} bytes, the header says {expected}");

        return new ImageHeader(ImageFormat.Bmp, ((int)width, (int)height), null);
    }
}
