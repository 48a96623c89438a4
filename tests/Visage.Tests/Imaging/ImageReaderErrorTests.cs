using System.Buffers.Binary;
using System.Diagnostics;
using OpenCvSharp;
using Visage.Imaging;

using Visage.Tests.TestData;

namespace Visage.Tests.Imaging;

public sealed class ImageReaderErrorTests : IDisposable
{
    private readonly TempFolder _temp = new();

    public void Dispose() => _temp.Dispose();

    [Fact]
    public async Task Missing_file()
    {
        var path = _temp.File("missing.jpg");

        AssertMessage(Assert.Throws<ImageException>(() => ImageReader.Read(path)), "missing.jpg", "cannot read file (no such file)");
        AssertMessage(await Assert.ThrowsAsync<ImageException>(() => ImageReader.ReadAsync(path)), "missing.jpg", "cannot read file (no such file)");
    }

    [Fact]
    public async Task Missing_folder()
    {
        var path = Path.Combine(_temp.Path, "nowhere", "gone.png");

        AssertMessage(Assert.Throws<ImageException>(() => ImageReader.Read(path)), "gone.png", "cannot read file");
        AssertMessage(await Assert.ThrowsAsync<ImageException>(() => ImageReader.ReadAsync(path)), "gone.png", "cannot read file");
    }

    [Fact]
    public async Task Directory_given()
    {
        var path = _temp.File("album.jpg");
        Directory.CreateDirectory(path);

        AssertMessage(Assert.Throws<ImageException>(() => ImageReader.Read(path)), "album.jpg", "cannot read file (it is a folder)");
        AssertMessage(await Assert.ThrowsAsync<ImageException>(() => ImageReader.ReadAsync(path)), "album.jpg", "cannot read file (it is a folder)");
    }

    [Fact]
    public void Empty_file()
    {
        var path = _temp.Write("empty.jpg", []);

        AssertMessage(Assert.Throws<ImageException>(() => ImageReader.Read(path)), "empty.jpg", "empty file (0 bytes)");
    }

    [Fact]
    public void Text_file_renamed_jpg()
    {
        var path = _temp.Write("notes.jpg", "shopping list: eggs, milk\n"u8.ToArray());

        AssertMessage(Assert.Throws<ImageException>(() => ImageReader.Read(path)), "notes.jpg", "not an image (unrecognised format)");
    }

    [Fact]
    public void Jpeg_markers_with_no_image_data_cannot_be_decoded()
    {
        var path = _temp.Write("hollow.jpg", [0xFF, 0xD8, 0xFF, 0xD9]);

        AssertMessage(Assert.Throws<ImageException>(() => ImageReader.Read(path)), "hollow.jpg", "not an image");
    }

    [Fact]
    public void Truncated_jpeg()
    {
        using var noisy = TestImages.Noisy();
        var jpeg = TestImages.Encode(noisy, ".jpg");
        Assert.True(FindMarker(jpeg, 0xDA) < jpeg.Length / 2, "the cut should fall in the entropy-coded data");
        var path = _temp.Write("half.jpg", jpeg[..(jpeg.Length / 2)]);

        AssertMessage(Assert.Throws<ImageException>(() => ImageReader.Read(path)), "half.jpg",
            "truncated image (JPEG data ends before the end-of-image marker)");
    }

    [Fact]
    public void Jpeg_cut_just_before_eoi_is_truncated()
    {
        var jpeg = TestImages.MarkedJpeg();
        var path = _temp.Write("nearly.jpg", jpeg[..^2]);

        AssertMessage(Assert.Throws<ImageException>(() => ImageReader.Read(path)), "nearly.jpg", "truncated image");
    }

    [Theory]
    [InlineData((int)ImwriteFlags.JpegProgressive, 1)] // several SOS scans
    [InlineData((int)ImwriteFlags.JpegRstInterval, 1)] // RSTn markers inside the scan
    public void Jpeg_with_several_scans_or_restart_markers_is_complete(int flag, int value)
    {
        using var noisy = TestImages.Noisy();
        var jpeg = TestImages.Encode(noisy, ".jpg", flag, value);

        using var image = ImageReader.Decode(jpeg, "variant.jpg");

        Assert.Equal((160, 120), (image.Width, image.Height));
    }

    [Fact]
    public void Truncated_png()
    {
        using var noisy = TestImages.Noisy();
        var png = TestImages.Encode(noisy, ".png");
        var path = _temp.Write("half.png", png[..(png.Length / 2)]);

        AssertMessage(Assert.Throws<ImageException>(() => ImageReader.Read(path)), "half.png",
            "truncated image (PNG chunk 'IDAT' runs past the end of the file)");
    }

    [Fact]
    public void Png_without_iend_is_truncated()
    {
        var png = TestImages.MarkedPng();
        var path = _temp.Write("noend.png", png[..^12]);

        AssertMessage(Assert.Throws<ImageException>(() => ImageReader.Read(path)), "noend.png", "truncated image (PNG ends before the IEND chunk)");
    }

    [Fact]
    public void Truncated_webp()
    {
        using var noisy = TestImages.Noisy();
        var webp = TestImages.Encode(noisy, ".webp");
        var path = _temp.Write("half.webp", webp[..(webp.Length / 2)]);

        AssertMessage(Assert.Throws<ImageException>(() => ImageReader.Read(path)), "half.webp", "truncated image (WebP RIFF header says");
    }

    [Fact]
    public void Truncated_bmp()
    {
        var path = _temp.Write("short.bmp", TestImages.TopDownBmp()[..^5]);

        AssertMessage(Assert.Throws<ImageException>(() => ImageReader.Read(path)), "short.bmp",
            "truncated image (BMP pixel data is 11 bytes, the header says 16)");
    }

    [Fact]
    public void Image_over_a_custom_limit_is_refused()
    {
        using var small = new Mat(20, 20, MatType.CV_8UC3, Scalar.All(9));
        var path = _temp.Write("small.png", TestImages.Encode(small, ".png"));

        var ex = Assert.Throws<ImageTooLargeException>(() => ImageReader.Read(path, new ImageLimits(MaxPixels: 100)));

        AssertMessage(ex, "small.png", "image is 20x20 = 0.0004 megapixels, over the 0.0001 megapixel limit");
        using var allowed = ImageReader.Read(path, new ImageLimits(MaxPixels: 400));
        Assert.Equal(20, allowed.Width);
    }

    [Theory]
    [InlineData(".jpg")]
    [InlineData(".bmp")]
    [InlineData(".webp")]
    public void Each_format_checks_the_limit(string extension)
    {
        using var small = new Mat(20, 30, MatType.CV_8UC3, Scalar.All(9));
        var bytes = TestImages.Encode(small, extension);

        var ex = Assert.Throws<ImageTooLargeException>(() => ImageReader.Decode(bytes, "small" + extension, new ImageLimits(599)));

        AssertMessage(ex, "small" + extension, "image is 30x20 = 0.0006 megapixels, over the 0.000599 megapixel limit");
    }

    [Fact]
    public void Png_header_claiming_100000_by_100000_is_refused_without_decoding()
    {
        // Signature, IHDR and IEND only: decoding it could not succeed, so the message proves it was refused first.
        var path = _temp.Write("bomb.png", TestImages.PngHeaderOnly(100_000, 100_000));

        var clock = Stopwatch.StartNew();
        var ex = Assert.Throws<ImageTooLargeException>(() => ImageReader.Read(path));
        clock.Stop();

        AssertMessage(ex, "bomb.png", "image is 100000x100000 = 10000.0 megapixels, over the 40 megapixel limit");
        Assert.True(clock.ElapsedMilliseconds < 1000, $"took {clock.ElapsedMilliseconds} ms");
    }

    [Fact]
    public void Jpeg_frame_header_claiming_8000_by_6000_is_refused()
    {
        var jpeg = TestImages.MarkedJpeg();
        var sof = FindMarker(jpeg, 0xC0);
        BinaryPrimitives.WriteUInt16BigEndian(jpeg.AsSpan(sof + 5), 6000); // height
        BinaryPrimitives.WriteUInt16BigEndian(jpeg.AsSpan(sof + 7), 8000); // width

        var ex = Assert.Throws<ImageTooLargeException>(() => ImageReader.Decode(jpeg, "huge.jpg"));

        AssertMessage(ex, "huge.jpg", "image is 8000x6000 = 48.0 megapixels, over the 40 megapixel limit");
    }

    [Fact]
    public void Every_error_is_one_line()
    {
        var cases = new (string Name, byte[] Bytes)[]
        {
            ("a.jpg", []),
            ("b.jpg", "<html>\n</html>\n"u8.ToArray()),
            ("c.png", TestImages.MarkedPng()[..50]),
            ("d.jpg", TestImages.MarkedJpeg()[..300]),
        };
        foreach (var (name, bytes) in cases)
        {
            var ex = Assert.Throws<ImageException>(() => ImageReader.Decode(bytes, name));
            AssertMessage(ex, name, "");
        }
    }

    private static int FindMarker(byte[] jpeg, byte marker)
    {
        for (var i = 2; i + 1 < jpeg.Length; i++)
            if (jpeg[i] == 0xFF && jpeg[i + 1] == marker)
                return i;
        throw new InvalidOperationException($"marker FF{marker:X2} not found");
    }

    private static void AssertMessage(VisageException ex, string fileName, string expected)
    {
        Assert.Contains(fileName, ex.Message);
        Assert.Contains(expected, ex.Message);
        Assert.DoesNotContain('\n', ex.Message);
        Assert.DoesNotContain('\r', ex.Message);
    }
}
