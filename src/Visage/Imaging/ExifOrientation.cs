using System.Buffers.Binary;
using OpenCvSharp;

namespace Visage.Imaging;

/// <summary>Reads the Exif orientation tag (0x0112) and turns stored pixels upright.</summary>
internal static class ExifOrientation
{
    public const int Normal = 1;
    private const ushort OrientationTag = 0x0112;
    private const ushort TypeShort = 3, TypeLong = 4;

    /// <summary>
    /// Orientation 1..8 from an Exif payload: a TIFF header, optionally behind "Exif\0\0".
    /// Anything unreadable gives <see cref="Normal"/>: bad metadata should not reject a good image.
    /// </summary>
    public static int Read(ReadOnlySpan<byte> exif)
    {
        if (exif.StartsWith("Exif\0\0"u8))
            exif = exif[6..];
        if (exif.Length < 8)
            return Normal;

        bool little;
        if (exif[0] == 'I' && exif[1] == 'I')
            little = true;
        else if (exif[0] == 'M' && exif[1] == 'M')
            little = false;
        else
            return Normal;
        if (U16(exif[2..], little) != 42)
            return Normal;

        var ifd = U32(exif[4..], little);
        if (ifd > (uint)exif.Length - 2)
            return Normal;
        var count = U16(exif[(int)ifd..], little);
        var entries = (int)ifd + 2;
        for (var i = 0; i < count; i++)
        {
            var entry = entries + i * 12;
            if (entry + 12 > exif.Length)
                break;
            var e = exif.Slice(entry, 12);
            if (U16(e, little) != OrientationTag)
                continue;
            var value = U16(e[2..], little) switch
            {
                TypeShort => U16(e[8..], little),
                TypeLong => U32(e[8..], little),
                _ => 0u,
            };
            return value is >= 1 and <= 8 ? (int)value : Normal;
        }
        return Normal;
    }

    /// <summary>
    /// Returns <paramref name="stored"/> made upright for <paramref name="orientation"/>: a new Mat
    /// (and <paramref name="stored"/> disposed), or <paramref name="stored"/> itself for orientation 1.
    /// </summary>
    public static Mat Apply(Mat stored, int orientation)
    {
        if (orientation is < 2 or > 8)
            return stored;

        var upright = new Mat();
        try
        {
            switch (orientation)
            {
                case 2: // mirrored horizontally
                    Cv2.Flip(stored, upright, FlipMode.Y);
                    break;
                case 3: // rotated 180°
                    Cv2.Rotate(stored, upright, RotateFlags.Rotate180);
                    break;
                case 4: // mirrored vertically
                    Cv2.Flip(stored, upright, FlipMode.X);
                    break;
                case 5: // transposed (mirrored about the main diagonal)
                    Cv2.Transpose(stored, upright);
                    break;
                case 6: // needs 90° clockwise
                    Cv2.Rotate(stored, upright, RotateFlags.Rotate90Clockwise);
                    break;
                case 7: // transversed (mirrored about the anti-diagonal) = transpose, then 180°
                    using (var transposed = new Mat())
                    {
                        Cv2.Transpose(stored, transposed);
                        Cv2.Rotate(transposed, upright, RotateFlags.Rotate180);
                    }
                    break;
                case 8: // needs 90° counter-clockwise
                    Cv2.Rotate(stored, upright, RotateFlags.Rotate90Counterclockwise);
                    break;
            }
        }
        catch
        {
            upright.Dispose();
            throw;
        }
        stored.Dispose();
        return upright;
    }

    private static ushort U16(ReadOnlySpan<byte> b, bool little) =>
        little ? BinaryPrimitives.ReadUInt16LittleEndian(b) : BinaryPrimitives.ReadUInt16BigEndian(b);

    private static uint U32(ReadOnlySpan<byte> b, bool little) =>
        little ? BinaryPrimitives.ReadUInt32LittleEndian(b) : BinaryPrimitives.ReadUInt32BigEndian(b);
}
