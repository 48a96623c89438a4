using System.Security.Cryptography;
using OpenCvSharp;
using Visage.Imaging;

using Visage.Tests.TestData;

namespace Visage.Tests.Imaging;

public sealed class ImageReaderFormatTests : IDisposable
{
    private readonly TempFolder _temp = new();

    public void Dispose() => _temp.Dispose();

    [Theory]
    [InlineData(".jpg")]
    [InlineData(".png")]
    [InlineData(".bmp")]
    [InlineData(".webp")]
    public void Each_format_decodes_to_8bit_bgr_of_the_right_size(string extension)
    {
        using var source = TestImages.Marked(width: 48, height: 32);
        var path = _temp.Write("marked" + extension, TestImages.Encode(source, extension));

        using var image = ImageReader.Read(path);

        Assert.Equal(MatType.CV_8UC3, image.Pixels.Type());
        Assert.Equal((48, 32), (image.Width, image.Height));
        Assert.Equal((48, 32), (image.Pixels.Width, image.Pixels.Height));
        Assert.Equal(path, image.Source);
        AssertNear(TestImages.Red, image.Pixels.At<Vec3b>(3, 3), tolerance: 60);
        AssertNear(TestImages.Green, image.Pixels.At<Vec3b>(3, 44), tolerance: 60);
        AssertNear(TestImages.Grey, image.Pixels.At<Vec3b>(24, 24), tolerance: 20);
    }

    [Theory]
    [InlineData(".png")]
    [InlineData(".bmp")]
    public void Lossless_formats_keep_exact_pixels(string extension)
    {
        using var source = TestImages.Marked();
        using var image = ImageReader.Decode(TestImages.Encode(source, extension), "marked" + extension);

        using var diff = new Mat();
        Cv2.Absdiff(source, image.Pixels, diff);
        Assert.Equal(0, Cv2.CountNonZero(diff.Reshape(1)));
    }

    [Fact]
    public void Top_down_bmp_with_negative_height_is_upright()
    {
        using var image = ImageReader.Decode(TestImages.TopDownBmp(), "topdown.bmp");

        Assert.Equal((2, 2), (image.Width, image.Height));
        Assert.Equal(new Vec3b(255, 0, 0), image.Pixels.At<Vec3b>(0, 0));
        Assert.Equal(new Vec3b(0, 255, 0), image.Pixels.At<Vec3b>(0, 1));
        Assert.Equal(new Vec3b(0, 0, 255), image.Pixels.At<Vec3b>(1, 0));
        Assert.Equal(new Vec3b(255, 255, 255), image.Pixels.At<Vec3b>(1, 1));
    }

    [Fact]
    public void Grey_png_becomes_bgr_with_equal_channels()
    {
        using var grey = new Mat(5, 7, MatType.CV_8UC1, new Scalar(77));
        grey.Set(2, 3, (byte)200);

        using var image = ImageReader.Decode(TestImages.Encode(grey, ".png"), "grey.png");

        Assert.Equal(MatType.CV_8UC3, image.Pixels.Type());
        Assert.Equal((7, 5), (image.Width, image.Height));
        Assert.Equal(new Vec3b(77, 77, 77), image.Pixels.At<Vec3b>(0, 0));
        Assert.Equal(new Vec3b(200, 200, 200), image.Pixels.At<Vec3b>(2, 3));
    }

    [Fact]
    public void Bgra_png_is_composited_onto_white()
    {
        using var bgra = new Mat(1, 4, MatType.CV_8UC4);
        bgra.Set(0, 0, new Vec4b(10, 20, 30, 255)); // opaque: unchanged
        bgra.Set(0, 1, new Vec4b(10, 20, 30, 0)); // transparent: white
        bgra.Set(0, 2, new Vec4b(0, 100, 200, 128)); // half: halfway to white
        bgra.Set(0, 3, new Vec4b(0, 0, 0, 51)); // 20 % black over white

        using var image = ImageReader.Decode(TestImages.Encode(bgra, ".png"), "alpha.png");

        Assert.Equal(MatType.CV_8UC3, image.Pixels.Type());
        Assert.Equal(new Vec3b(10, 20, 30), image.Pixels.At<Vec3b>(0, 0));
        Assert.Equal(new Vec3b(255, 255, 255), image.Pixels.At<Vec3b>(0, 1));
        AssertNear(new Vec3b(127, 177, 227), image.Pixels.At<Vec3b>(0, 2), tolerance: 1);
        AssertNear(new Vec3b(204, 204, 204), image.Pixels.At<Vec3b>(0, 3), tolerance: 1);
    }

    [Fact]
    public void Sixteen_bit_png_is_scaled_to_8bit()
    {
        using var deep = new Mat(2, 2, MatType.CV_16UC3, new Scalar(0, 257 * 100, 65535));
        deep.Set(1, 1, new Vec3w(257 * 7, 257 * 8, 257 * 9));

        using var image = ImageReader.Decode(TestImages.Encode(deep, ".png"), "deep.png");

        Assert.Equal(MatType.CV_8UC3, image.Pixels.Type());
        Assert.Equal(new Vec3b(0, 100, 255), image.Pixels.At<Vec3b>(0, 0));
        Assert.Equal(new Vec3b(7, 8, 9), image.Pixels.At<Vec3b>(1, 1));
    }

    [Fact]
    public void Sixteen_bit_grey_png_is_scaled_to_8bit_bgr()
    {
        using var deep = new Mat(3, 3, MatType.CV_16UC1, new Scalar(257 * 60));

        using var image = ImageReader.Decode(TestImages.Encode(deep, ".png"), "deepgrey.png");

        Assert.Equal(MatType.CV_8UC3, image.Pixels.Type());
        Assert.Equal(new Vec3b(60, 60, 60), image.Pixels.At<Vec3b>(1, 1));
    }

    [Fact]
    public void Lossless_webp_with_alpha_is_composited()
    {
        using var bgra = new Mat(4, 4, MatType.CV_8UC4, new Scalar(50, 60, 70, 255));
        bgra.Set(0, 0, new Vec4b(50, 60, 70, 0));

        using var image = ImageReader.Decode(TestImages.Encode(bgra, ".webp", (int)ImwriteFlags.WebPQuality, 101), "alpha.webp");

        Assert.Equal(MatType.CV_8UC3, image.Pixels.Type());
        Assert.Equal(new Vec3b(255, 255, 255), image.Pixels.At<Vec3b>(0, 0));
        Assert.Equal(new Vec3b(50, 60, 70), image.Pixels.At<Vec3b>(2, 2));
    }

    [Fact]
    public async Task Sha256_is_of_the_bytes_as_read()
    {
        var bytes = TestImages.MarkedJpeg();
        var path = _temp.Write("hash.jpg", bytes);
        var expected = Convert.ToHexString(SHA256.HashData(bytes)).ToLowerInvariant();

        using var fromFile = ImageReader.Read(path);
        using var fromFileAsync = await ImageReader.ReadAsync(path);
        using var fromBytes = ImageReader.Decode(bytes, "hash.jpg");

        Assert.Equal(expected, fromFile.Sha256);
        Assert.Equal(expected, fromFileAsync.Sha256);
        Assert.Equal(expected, fromBytes.Sha256);
        Assert.Matches("^[0-9a-f]{64}$", fromFile.Sha256);
    }

    [Fact]
    public async Task ReadAsync_gives_the_same_pixels_as_Read()
    {
        var path = _temp.Write("same.png", TestImages.MarkedPng());

        using var sync = ImageReader.Read(path);
        using var async = await ImageReader.ReadAsync(path);

        using var diff = new Mat();
        Cv2.Absdiff(sync.Pixels, async.Pixels, diff);
        Assert.Equal(0, Cv2.CountNonZero(diff.Reshape(1)));
    }

    [Fact]
    public async Task ReadAsync_honours_cancellation()
    {
        var path = _temp.Write("cancel.png", TestImages.MarkedPng());
        using var cts = new CancellationTokenSource();
        cts.Cancel();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => ImageReader.ReadAsync(path, ct: cts.Token));
    }

    [Fact]
    public void Disposed_image_refuses_access_to_pixels()
    {
        var image = ImageReader.Decode(TestImages.MarkedPng(), "dispose.png");
        var mat = image.Pixels;

        image.Dispose();
        image.Dispose();

        Assert.True(mat.IsDisposed);
        Assert.Throws<ObjectDisposedException>(() => image.Pixels);
    }

    [Fact]
    public void Limits_default_to_40_megapixels_and_must_be_positive()
    {
        Assert.Equal(40_000_000, ImageLimits.Default.MaxPixels);
        Assert.Equal(40_000_000, new ImageLimits().MaxPixels);
        Assert.Equal(123, new ImageLimits(123).MaxPixels);
        var error = Assert.Throws<InvalidSettingException>(() => new ImageLimits(0));
        Assert.Equal(VisageSetting.MaxMegapixels, error.Setting);
        Assert.Throws<InvalidSettingException>(() => ImageLimits.FromMegapixels(0.0000001));
        Assert.Equal(1, ImageLimits.FromMegapixels(0.000001).MaxPixels);
    }

    internal static void AssertNear(Vec3b expected, Vec3b actual, int tolerance)
    {
        var ok = Math.Abs(expected.Item0 - actual.Item0) <= tolerance
                 && Math.Abs(expected.Item1 - actual.Item1) <= tolerance
                 && Math.Abs(expected.Item2 - actual.Item2) <= tolerance;
        Assert.True(ok, $"expected {expected} ± {tolerance}, got {actual}");
    }
}
