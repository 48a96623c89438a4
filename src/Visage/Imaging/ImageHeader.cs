namespace Visage.Imaging;

/// <summary>
/// What can be learnt from an encoded image without decoding it: the format, the stored
/// size when the header states it, and where the Exif (TIFF) block lies, if any.
/// </summary>
/// <param name="Size">Stored width and height (before orientation), or null when the header does not say.</param>
/// <param name="Exif">Range of <c>bytes</c> holding the Exif payload (TIFF header onwards, perhaps behind "Exif\0\0").</param>
internal sealed record ImageHeader(ImageFormat Format, (int Width, int Height)? Size, Range? Exif)
{
    private static ReadOnlySpan<byte> PngSignature => [0x89, (byte)'P', (byte)'N', (byte)'G', 0x0D, 0x0A, 0x1A, 0x0A];

    /// <summary>
    /// Sniffs the format from the magic bytes, reads the size and checks that the data is
    /// complete. Throws <see cref="MalformedImageException"/> for unknown, corrupt or truncated data.
    /// </summary>
    public static ImageHeader Parse(ReadOnlySpan<byte> bytes)
    {
        if (bytes.Length >= 3 && bytes[0] == 0xFF && bytes[1] == 0xD8 && bytes[2] == 0xFF)
            return JpegHeader.Parse(bytes);
        if (bytes.StartsWith(PngSignature))
            return PngHeader.Parse(bytes);
        if (bytes.Length >= 12 && bytes[..4].SequenceEqual("RIFF"u8) && bytes[8..12].SequenceEqual("WEBP"u8))
            return WebPHeader.Parse(bytes);
        if (bytes.StartsWith("BM"u8))
            return BmpHeader.Parse(bytes);
        throw MalformedImageException.Corrupt("unrecognised format");
    }
}
