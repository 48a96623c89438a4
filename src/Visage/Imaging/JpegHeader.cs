using System.Buffers.Binary;

namespace Visage.Imaging;

/// <summary>
/// JPEG: walks the marker segments and the entropy-coded data after each SOS up to EOI,
/// taking the size from the first SOFn and the Exif block from the first Exif APP1.
/// </summary>
internal static class JpegHeader
{
    private const byte Soi = 0xD8, Eoi = 0xD9, Sos = 0xDA, App1 = 0xE1, Tem = 0x01;

    public static ImageHeader Parse(ReadOnlySpan<byte> bytes)
    {
        (int, int)? size = null;
        Range? exif = null;
        var pos = 2; // after SOI
        while (true)
        {
            // Tolerate stray bytes between segments, as libjpeg does, by resyncing on the next 0xFF.
            var ff = bytes[pos..].IndexOf((byte)0xFF);
            if (ff < 0)
                throw Truncated();
            pos += ff;
            while (pos < bytes.Length && bytes[pos] == 0xFF)
                pos++; // fill bytes
            if (pos >= bytes.Length)
                throw Truncated();

            var marker = bytes[pos++];
            if (marker == Eoi)
                return new ImageHeader(ImageFormat.Jpeg, size, exif);
            if (marker is Soi or Tem or 0x00 || IsRestart(marker))
                continue; // no length field

            if (pos + 2 > bytes.Length)
                throw Truncated();
            int length = BinaryPrimitives.ReadUInt16BigEndian(bytes[pos..]);
            if (length < 2)
                throw MalformedImageException.Corrupt($"corrupt JPEG segment length at byte {pos}");
            if (pos + length > bytes.Length)
                throw Truncated();
            var data = bytes.Slice(pos + 2, length - 2);

            if (IsStartOfFrame(marker) && size is null && data.Length >= 5)
            {
                int height = BinaryPrimitives.ReadUInt16BigEndian(data[1..]);
                int width = BinaryPrimitives.ReadUInt16BigEndian(data[3..]);
                // A zero height is defined later by a DNL marker; leave the size unknown then.
                if (width > 0 && height > 0)
                    size = (width, height);
            }
            else if (marker == App1 && exif is null && data.StartsWith("Exif\0\0"u8))
            {
                exif = (pos + 2)..(pos + length);
            }

            pos += length;
            if (marker == Sos)
                pos = SkipEntropyCodedData(bytes, pos);
        }
    }

    /// <summary>Returns the position of the 0xFF that starts the next real marker.</summary>
    private static int SkipEntropyCodedData(ReadOnlySpan<byte> bytes, int pos)
    {
        while (true)
        {
            var ff = bytes[pos..].IndexOf((byte)0xFF);
            if (ff < 0)
                throw Truncated();
            pos += ff;
            if (pos + 1 >= bytes.Length)
                throw Truncated();
            var next = bytes[pos + 1];
            if (next == 0x00 || IsRestart(next))
                pos += 2; // stuffed zero or restart marker: still inside the scan
            else if (next == 0xFF)
                pos += 1; // fill byte before a marker
            else
                return pos;
        }
    }

    private static bool IsRestart(byte marker) => marker is >= 0xD0 and <= 0xD7;

    // SOF0..SOF15 except DHT (C4), JPG (C8) and DAC (CC).
    private static bool IsStartOfFrame(byte marker) =>
        marker is >= 0xC0 and <= 0xCF and not 0xC4 and not 0xC8 and not 0xCC;

    private static MalformedImageException Truncated() =>
        MalformedImageException.Truncated("JPEG data ends before the end-of-image marker");
}
