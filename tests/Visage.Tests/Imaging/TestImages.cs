using System.Buffers.Binary;
using System.Text;
using OpenCvSharp;

namespace Visage.Tests.Imaging;

/// <summary>Builds encoded test images, and the Exif blocks and chunks spliced into them.</summary>
internal static class TestImages
{
    public const int MarkerSize = 8;
    public static readonly Vec3b Grey = new(128, 128, 128);
    public static readonly Vec3b Red = new(0, 0, 255);
    public static readonly Vec3b Green = new(0, 255, 0);

    /// <summary>
    /// Grey image with a red square in the top-left corner and a green one in the top-right,
    /// so every flip and rotation moves the markers somewhere different.
    /// </summary>
    public static Mat Marked(int width = 48, int height = 32)
    {
        var mat = new Mat(height, width, MatType.CV_8UC3, new Scalar(Grey.Item0, Grey.Item1, Grey.Item2));
        mat[new Rect(0, 0, MarkerSize, MarkerSize)].SetTo(new Scalar(Red.Item0, Red.Item1, Red.Item2));
        mat[new Rect(width - MarkerSize, 0, MarkerSize, MarkerSize)].SetTo(new Scalar(Green.Item0, Green.Item1, Green.Item2));
        return mat;
    }

    /// <summary>Seeded random pixels: they compress poorly, so most of the encoded bytes are image data.</summary>
    public static Mat Noisy(int width = 160, int height = 120)
    {
        var pixels = new byte[width * height * 3];
        new Random(42).NextBytes(pixels);
        using var flat = new Mat(height, width * 3, MatType.CV_8UC1);
        flat.SetArray(pixels);
        using var bgr = flat.Reshape(3);
        return bgr.Clone();
    }

    public static byte[] Encode(Mat mat, string extension, params int[] parameters)
    {
        Assert.True(Cv2.ImEncode(extension, mat, out var bytes, parameters), $"encoding {extension} failed");
        return bytes;
    }

    public static byte[] MarkedJpeg() { using var m = Marked(); return Encode(m, ".jpg", (int)ImwriteFlags.JpegQuality, 95); }

    public static byte[] MarkedPng() { using var m = Marked(); return Encode(m, ".png"); }

    /// <summary>A TIFF block (as in Exif) whose IFD0 holds an orientation tag and one unrelated tag before it.</summary>
    public static byte[] ExifTiff(int orientation, bool bigEndian)
    {
        var tiff = new byte[8 + 2 + 2 * 12 + 4];
        void U16(int at, int v) { if (bigEndian) BinaryPrimitives.WriteUInt16BigEndian(tiff.AsSpan(at), (ushort)v); else BinaryPrimitives.WriteUInt16LittleEndian(tiff.AsSpan(at), (ushort)v); }
        void U32(int at, uint v) { if (bigEndian) BinaryPrimitives.WriteUInt32BigEndian(tiff.AsSpan(at), v); else BinaryPrimitives.WriteUInt32LittleEndian(tiff.AsSpan(at), v); }

        tiff[0] = tiff[1] = (byte)(bigEndian ? 'M' : 'I');
        U16(2, 42);
        U32(4, 8);
        U16(8, 2); // two entries
        // ImageDescription-like ASCII tag, count 4, value inline: "abc\0"
        U16(10, 0x010E); U16(12, 2); U32(14, 4); tiff[18] = (byte)'a'; tiff[19] = (byte)'b'; tiff[20] = (byte)'c';
        // Orientation, SHORT, count 1, value left-justified in the 4-byte field
        U16(22, 0x0112); U16(24, 3); U32(26, 1); U16(30, orientation);
        U32(34, 0); // no next IFD
        return tiff;
    }

    /// <summary>Inserts an APP1 Exif segment after SOI (and after a JFIF APP0, when there is one).</summary>
    public static byte[] WithJpegExif(byte[] jpeg, byte[] tiff)
    {
        var at = 2;
        if (jpeg[2] == 0xFF && jpeg[3] == 0xE0)
            at = 4 + BinaryPrimitives.ReadUInt16BigEndian(jpeg.AsSpan(4));

        var payload = Encoding.ASCII.GetBytes("Exif\0\0").Concat(tiff).ToArray();
        var segment = new byte[4 + payload.Length];
        segment[0] = 0xFF;
        segment[1] = 0xE1;
        BinaryPrimitives.WriteUInt16BigEndian(segment.AsSpan(2), (ushort)(payload.Length + 2));
        payload.CopyTo(segment, 4);
        return [.. jpeg[..at], .. segment, .. jpeg[at..]];
    }

    /// <summary>Inserts a chunk (with a correct CRC) right after IHDR.</summary>
    public static byte[] WithPngChunk(byte[] png, string type, byte[] data)
    {
        const int afterIhdr = 8 + 8 + 13 + 4;
        return [.. png[..afterIhdr], .. PngChunk(type, data), .. png[afterIhdr..]];
    }

    public static byte[] PngChunk(string type, byte[] data)
    {
        var chunk = new byte[12 + data.Length];
        BinaryPrimitives.WriteUInt32BigEndian(chunk, (uint)data.Length);
        Encoding.ASCII.GetBytes(type).CopyTo(chunk, 4);
        data.CopyTo(chunk, 8);
        BinaryPrimitives.WriteUInt32BigEndian(chunk.AsSpan(8 + data.Length), Crc32(chunk.AsSpan(4, 4 + data.Length)));
        return chunk;
    }

    /// <summary>A PNG that is only a signature, an IHDR claiming the given size, and IEND: no pixel data.</summary>
    public static byte[] PngHeaderOnly(uint width, uint height)
    {
        var ihdr = new byte[13];
        BinaryPrimitives.WriteUInt32BigEndian(ihdr, width);
        BinaryPrimitives.WriteUInt32BigEndian(ihdr.AsSpan(4), height);
        ihdr[8] = 8; // bit depth
        ihdr[9] = 2; // truecolour
        byte[] signature = [0x89, (byte)'P', (byte)'N', (byte)'G', 0x0D, 0x0A, 0x1A, 0x0A];
        return [.. signature, .. PngChunk("IHDR", ihdr), .. PngChunk("IEND", [])];
    }

    /// <summary>
    /// Rewraps a simple WebP (one VP8 or VP8L chunk) as an extended VP8X file with an EXIF chunk.
    /// </summary>
    public static byte[] WebPWithExif(byte[] simple, int width, int height, byte[] tiff)
    {
        var image = simple[12..]; // the VP8/VP8L chunk, padding included
        var vp8x = new byte[18];
        Encoding.ASCII.GetBytes("VP8X").CopyTo(vp8x, 0);
        BinaryPrimitives.WriteUInt32LittleEndian(vp8x.AsSpan(4), 10);
        vp8x[8] = 0x08; // EXIF flag
        WriteUInt24(vp8x.AsSpan(12), width - 1);
        WriteUInt24(vp8x.AsSpan(15), height - 1);

        var exif = new byte[8 + tiff.Length + (tiff.Length & 1)];
        Encoding.ASCII.GetBytes("EXIF").CopyTo(exif, 0);
        BinaryPrimitives.WriteUInt32LittleEndian(exif.AsSpan(4), (uint)tiff.Length);
        tiff.CopyTo(exif, 8);

        byte[] body = [.. "WEBP"u8, .. vp8x, .. image, .. exif];
        var riff = new byte[8];
        Encoding.ASCII.GetBytes("RIFF").CopyTo(riff, 0);
        BinaryPrimitives.WriteUInt32LittleEndian(riff.AsSpan(4), (uint)body.Length);
        return [.. riff, .. body];
    }

    /// <summary>A 2x2 24-bit BMP stored top-down (negative height): blue, green / red, white.</summary>
    public static byte[] TopDownBmp()
    {
        const int pixelOffset = 14 + 40, stride = 8;
        var bmp = new byte[pixelOffset + 2 * stride];
        bmp[0] = (byte)'B';
        bmp[1] = (byte)'M';
        BinaryPrimitives.WriteInt32LittleEndian(bmp.AsSpan(2), bmp.Length);
        BinaryPrimitives.WriteInt32LittleEndian(bmp.AsSpan(10), pixelOffset);
        BinaryPrimitives.WriteInt32LittleEndian(bmp.AsSpan(14), 40);
        BinaryPrimitives.WriteInt32LittleEndian(bmp.AsSpan(18), 2);
        BinaryPrimitives.WriteInt32LittleEndian(bmp.AsSpan(22), -2);
        BinaryPrimitives.WriteUInt16LittleEndian(bmp.AsSpan(26), 1);
        BinaryPrimitives.WriteUInt16LittleEndian(bmp.AsSpan(28), 24);
        byte[] rows = [255, 0, 0, 0, 255, 0, 0, 0, /* row 2 */ 0, 0, 255, 255, 255, 255, 0, 0];
        rows.CopyTo(bmp, pixelOffset);
        return bmp;
    }

    private static void WriteUInt24(Span<byte> b, int v)
    {
        b[0] = (byte)v;
        b[1] = (byte)(v >> 8);
        b[2] = (byte)(v >> 16);
    }

    private static uint Crc32(ReadOnlySpan<byte> data)
    {
        var crc = 0xFFFFFFFFu;
        foreach (var b in data)
        {
            crc ^= b;
            for (var k = 0; k < 8; k++)
                crc = (crc & 1) != 0 ? (crc >> 1) ^ 0xEDB88320u : crc >> 1;
        }
        return ~crc;
    }
}
