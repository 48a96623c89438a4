using OpenCvSharp;
using Visage.Imaging;

namespace Visage.Tests.Imaging;

public sealed class ImageHeaderTests
{
    [Theory]
    [InlineData(".jpg", nameof(ImageFormat.Jpeg))]
    [InlineData(".png", nameof(ImageFormat.Png))]
    [InlineData(".bmp", nameof(ImageFormat.Bmp))]
    [InlineData(".webp", nameof(ImageFormat.WebP))]
    public void Size_is_read_from_the_header(string extension, string format)
    {
        using var mat = new Mat(37, 53, MatType.CV_8UC3, Scalar.All(100));

        var header = ImageHeader.Parse(TestImages.Encode(mat, extension));

        Assert.Equal(format, header.Format.ToString());
        Assert.Equal((53, 37), header.Size);
        Assert.Null(header.Exif);
    }

    [Fact]
    public void Lossless_webp_size_is_read_from_vp8l()
    {
        using var mat = new Mat(37, 53, MatType.CV_8UC3, Scalar.All(100));
        var webp = TestImages.Encode(mat, ".webp", (int)ImwriteFlags.WebPQuality, 101);
        Assert.Equal("VP8L"u8.ToArray(), webp[12..16]);

        Assert.Equal((53, 37), ImageHeader.Parse(webp).Size);
    }

    [Fact]
    public void Extended_webp_size_and_exif_are_read_from_vp8x()
    {
        using var mat = new Mat(37, 53, MatType.CV_8UC3, Scalar.All(100));
        var tiff = TestImages.ExifTiff(6, bigEndian: false);
        var webp = TestImages.WebPWithExif(TestImages.Encode(mat, ".webp"), 53, 37, tiff);

        var header = ImageHeader.Parse(webp);

        Assert.Equal((53, 37), header.Size);
        Assert.NotNull(header.Exif);
        Assert.Equal(tiff, webp[header.Exif.Value]);
    }

    [Fact]
    public void Top_down_bmp_reports_a_positive_height()
    {
        Assert.Equal((2, 2), ImageHeader.Parse(TestImages.TopDownBmp()).Size);
    }

    [Fact]
    public void Jpeg_exif_block_is_located()
    {
        var tiff = TestImages.ExifTiff(3, bigEndian: true);
        var jpeg = TestImages.WithJpegExif(TestImages.MarkedJpeg(), tiff);

        var header = ImageHeader.Parse(jpeg);

        Assert.Equal((48, 32), header.Size);
        Assert.NotNull(header.Exif);
        Assert.Equal(3, ExifOrientation.Read(jpeg.AsSpan(header.Exif.Value)));
    }

    [Fact]
    public void Unknown_magic_is_not_an_image()
    {
        var ex = Assert.Throws<MalformedImageException>(() => ImageHeader.Parse("GIF89a......"u8));
        Assert.Equal("not an image (unrecognised format)", ex.Message);
    }
}
