using OpenCvSharp;
using Visage.Imaging;

namespace Visage.Tests.Imaging;

public sealed class ExifOrientationTests
{
    private const int W = 48, H = 32;

    public static TheoryData<int, bool> Orientations()
    {
        var data = new TheoryData<int, bool>();
        for (var o = 1; o <= 8; o++)
        {
            data.Add(o, false);
            data.Add(o, true);
        }
        return data;
    }

    [Theory]
    [MemberData(nameof(Orientations))]
    public void Jpeg_exif_orientation_is_applied(int orientation, bool bigEndian)
    {
        var jpeg = TestImages.WithJpegExif(TestImages.MarkedJpeg(), TestImages.ExifTiff(orientation, bigEndian));

        using var image = ImageReader.Decode(jpeg, $"o{orientation}.jpg");

        AssertUpright(image, orientation, tolerance: 60);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(3)]
    [InlineData(6)]
    [InlineData(7)]
    public void Png_exif_chunk_orientation_is_applied(int orientation)
    {
        var png = TestImages.WithPngChunk(TestImages.MarkedPng(), "eXIf", TestImages.ExifTiff(orientation, bigEndian: true));

        using var image = ImageReader.Decode(png, $"o{orientation}.png");

        AssertUpright(image, orientation, tolerance: 0);
    }

    [Theory]
    [InlineData(2)]
    [InlineData(5)]
    [InlineData(8)]
    public void Webp_exif_chunk_orientation_is_applied(int orientation)
    {
        using var marked = TestImages.Marked(W, H);
        var simple = TestImages.Encode(marked, ".webp", (int)ImwriteFlags.WebPQuality, 101);
        var webp = TestImages.WebPWithExif(simple, W, H, TestImages.ExifTiff(orientation, bigEndian: false));

        using var image = ImageReader.Decode(webp, $"o{orientation}.webp");

        AssertUpright(image, orientation, tolerance: 10);
    }

    [Fact]
    public void Orientation_is_read_from_either_byte_order_with_or_without_the_exif_prefix()
    {
        Assert.Equal(6, ExifOrientation.Read(TestImages.ExifTiff(6, bigEndian: false)));
        Assert.Equal(8, ExifOrientation.Read(TestImages.ExifTiff(8, bigEndian: true)));
        Assert.Equal(3, ExifOrientation.Read([.. "Exif\0\0"u8, .. TestImages.ExifTiff(3, bigEndian: true)]));
    }

    [Fact]
    public void Broken_or_out_of_range_exif_reads_as_normal()
    {
        var tiff = TestImages.ExifTiff(6, bigEndian: false);
        Assert.Equal(ExifOrientation.Normal, ExifOrientation.Read(tiff[..20])); // entries cut off
        Assert.Equal(ExifOrientation.Normal, ExifOrientation.Read(TestImages.ExifTiff(9, bigEndian: false)));
        Assert.Equal(ExifOrientation.Normal, ExifOrientation.Read(TestImages.ExifTiff(0, bigEndian: true)));
        Assert.Equal(ExifOrientation.Normal, ExifOrientation.Read("XX*\0\b\0\0\0\0\0"u8));
        Assert.Equal(ExifOrientation.Normal, ExifOrientation.Read([]));

        var badOffset = (byte[])tiff.Clone();
        badOffset[4] = 0xF0; // IFD0 offset beyond the block
        Assert.Equal(ExifOrientation.Normal, ExifOrientation.Read(badOffset));
    }

    [Fact]
    public void Jpeg_with_broken_exif_still_decodes_as_stored()
    {
        var tiff = TestImages.ExifTiff(6, bigEndian: false);
        tiff[4] = 0xF0;
        var jpeg = TestImages.WithJpegExif(TestImages.MarkedJpeg(), tiff);

        using var image = ImageReader.Decode(jpeg, "broken-exif.jpg");

        AssertUpright(image, ExifOrientation.Normal, tolerance: 60);
    }

    /// <summary>
    /// Where a stored pixel (x, y) of the W×H marked image appears once the orientation is applied.
    /// </summary>
    private static (int X, int Y) Displayed(int orientation, int x, int y) => orientation switch
    {
        1 => (x, y),
        2 => (W - 1 - x, y),
        3 => (W - 1 - x, H - 1 - y),
        4 => (x, H - 1 - y),
        5 => (y, x),
        6 => (H - 1 - y, x),
        7 => (H - 1 - y, W - 1 - x),
        8 => (y, W - 1 - x),
        _ => throw new ArgumentOutOfRangeException(nameof(orientation)),
    };

    private static void AssertUpright(FaceImage image, int orientation, int tolerance)
    {
        var swapped = orientation >= 5;
        Assert.Equal(MatType.CV_8UC3, image.Pixels.Type());
        Assert.Equal(swapped ? (H, W) : (W, H), (image.Width, image.Height));

        // Centres of the red (top-left) and green (top-right) markers, and a grey pixel.
        AssertPixel(image, Displayed(orientation, 3, 3), TestImages.Red, tolerance);
        AssertPixel(image, Displayed(orientation, W - 4, 3), TestImages.Green, tolerance);
        AssertPixel(image, Displayed(orientation, 3, H - 4), TestImages.Grey, tolerance);
    }

    private static void AssertPixel(FaceImage image, (int X, int Y) at, Vec3b expected, int tolerance) =>
        ImageReaderFormatTests.AssertNear(expected, image.Pixels.At<Vec3b>(at.Y, at.X), tolerance);
}
