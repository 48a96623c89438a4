using System.Globalization;
using System.Security.Cryptography;
using OpenCvSharp;

namespace Visage.Imaging;

/// <summary>
/// Reads JPEG, PNG, BMP and WebP files into upright 8-bit BGR images. The header is checked
/// (format, completeness, pixel limit) before any decoding; every failure is a one-line
/// <see cref="VisageException"/> naming the file.
/// </summary>
public static class ImageReader
{
    public static async Task<FaceImage> ReadAsync(string path, ImageLimits? limits = null, CancellationToken ct = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        byte[] bytes;
        try
        {
            RefuseDirectory(path);
            bytes = await File.ReadAllBytesAsync(path, ct).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or NotSupportedException or ArgumentException)
        {
            throw CannotRead(path, ex);
        }
        ct.ThrowIfCancellationRequested();
        return Decode(bytes, path, limits);
    }

    public static FaceImage Read(string path, ImageLimits? limits = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        byte[] bytes;
        try
        {
            RefuseDirectory(path);
            bytes = File.ReadAllBytes(path);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or NotSupportedException or ArgumentException)
        {
            throw CannotRead(path, ex);
        }
        return Decode(bytes, path, limits);
    }

    /// <summary>Decodes encoded image bytes; <paramref name="source"/> names them in errors and in the result.</summary>
    public static FaceImage Decode(byte[] bytes, string source, ImageLimits? limits = null)
    {
        ArgumentNullException.ThrowIfNull(bytes);
        ArgumentNullException.ThrowIfNull(source);
        limits ??= ImageLimits.Default;

        if (bytes.Length == 0)
            throw new VisageException($"{source}: empty file (0 bytes)");

        ImageHeader header;
        try
        {
            header = ImageHeader.Parse(bytes);
        }
        catch (MalformedImageException ex)
        {
            throw new VisageException($"{source}: {ex.Message}");
        }

        if (header.Size is var (width, height))
            CheckLimit(source, width, height, limits);

        var orientation = header.Exif is { } exif ? ExifOrientation.Read(bytes.AsSpan(exif)) : ExifOrientation.Normal;
        var sha256 = Convert.ToHexStringLower(SHA256.HashData(bytes));

        Mat? pixels = null;
        try
        {
            // Unchanged: keep depth, channels and alpha, and leave orientation to us.
            pixels = Cv2.ImDecode(bytes, ImreadModes.Unchanged | ImreadModes.IgnoreOrientation);
            if (pixels.Empty())
                throw new VisageException($"{source}: not an image (the {FormatName(header.Format)} data could not be decoded)");
            if (header.Size is null)
                CheckLimit(source, pixels.Width, pixels.Height, limits);

            pixels = PixelConversion.ToBgr8(pixels);
            pixels = ExifOrientation.Apply(pixels, orientation);
            var image = new FaceImage(pixels, source, sha256);
            pixels = null;
            return image;
        }
        catch (Exception ex) when (ex is OpenCvSharpException or NotSupportedException)
        {
            throw new VisageException($"{source}: cannot decode image ({FirstLine(ex.Message)})", ex);
        }
        finally
        {
            pixels?.Dispose();
        }
    }

    private static void RefuseDirectory(string path)
    {
        if (Directory.Exists(path))
            throw new IOException("it is a directory");
    }

    private static VisageException CannotRead(string path, Exception ex)
    {
        var reason = ex switch
        {
            FileNotFoundException or DirectoryNotFoundException => "no such file",
            UnauthorizedAccessException => "permission denied",
            PathTooLongException => "path too long",
            NotSupportedException or ArgumentException => "invalid path",
            _ => FirstLine(ex.Message),
        };
        return new VisageException($"{path}: cannot read file ({reason})", ex);
    }

    private static void CheckLimit(string source, int width, int height, ImageLimits limits)
    {
        var pixels = (long)width * height;
        if (pixels > limits.MaxPixels)
            throw new VisageException(
                $"{source}: image is {width}x{height} = {Megapixels(pixels, "0.0")} megapixels, " +
                $"over the {Megapixels(limits.MaxPixels, "0.######")} megapixel limit");
    }

    /// <summary>Megapixels in <paramref name="format"/>, with more decimals where that would show 0.0.</summary>
    private static string Megapixels(long pixels, string format)
    {
        var mp = pixels / 1_000_000.0;
        return mp.ToString(mp >= 0.1 ? format : "0.######", CultureInfo.InvariantCulture);
    }

    private static string FormatName(ImageFormat format) => format switch
    {
        ImageFormat.Jpeg => "JPEG",
        ImageFormat.Png => "PNG",
        ImageFormat.Bmp => "BMP",
        ImageFormat.WebP => "WebP",
        _ => format.ToString(),
    };

    private static string FirstLine(string message)
    {
        var line = message.AsSpan().Trim();
        var end = line.IndexOfAny('\r', '\n');
        return (end < 0 ? line : line[..end]).TrimEnd().ToString();
    }
}
