using System.Globalization;
using System.Security.Cryptography;
using OpenCvSharp;

namespace Visage.Imaging;

/// <summary>
/// Reads JPEG, PNG, BMP and WebP files into upright 8-bit BGR images. The header is checked
/// (format, completeness, pixel limit) before any decoding; every failure is a one-line
/// <see cref="VisageException"/> naming the file.
/// </summary>
internal static class ImageReader
{
    public static async Task<FaceImage> ReadAsync(string path, ImageLimits? limits = null, CancellationToken ct = default)
    {
        limits ??= ImageLimits.Default;
        var file = await ReadFileAsync(path, limits, ct).ConfigureAwait(false);
        ct.ThrowIfCancellationRequested();
        return Decode(file.Bytes, path, limits, file.Sha256);
    }

    /// <summary>
    /// A file's bytes and their SHA-256, before any decoding: enough to tell that a photo is enrolled already.
    /// Only regular files are read (a FIFO or a device is refused rather than blocking or never ending).
    /// </summary>
    internal static async Task<EncodedImage> ReadFileAsync(string path, ImageLimits limits, CancellationToken ct)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        byte[] bytes;
        try
        {
            bytes = await RegularFile.ReadAllBytesAsync(path, limits.MaxFileBytes, ct).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or NotSupportedException or ArgumentException)
        {
            throw CannotRead(path, ex);
        }
        return new EncodedImage(path, bytes, Convert.ToHexStringLower(SHA256.HashData(bytes)));
    }

    internal static FaceImage Decode(EncodedImage file, ImageLimits? limits = null) =>
        Decode(file.Bytes, file.Source, limits, file.Sha256);

    public static FaceImage Read(string path, ImageLimits? limits = null) =>
        ReadAsync(path, limits).GetAwaiter().GetResult();

    /// <summary>Decodes encoded image bytes; <paramref name="source"/> names them in errors and in the result.</summary>
    public static FaceImage Decode(byte[] bytes, string source, ImageLimits? limits = null) =>
        Decode(bytes, source, limits, null);

    private static FaceImage Decode(byte[] bytes, string source, ImageLimits? limits, string? knownSha256)
    {
        ArgumentNullException.ThrowIfNull(bytes);
        ArgumentNullException.ThrowIfNull(source);
        limits ??= ImageLimits.Default;

        if (bytes.Length == 0)
            throw new ImageException(source, $"{source}: empty file (0 bytes)");

        ImageHeader header;
        try
        {
            header = ImageHeader.Parse(bytes);
        }
        catch (MalformedImageException ex)
        {
            throw new ImageException(source, $"{source}: {ex.Message}");
        }

        if (header.Size is var (width, height))
            CheckLimit(source, width, height, limits);

        var orientation = header.Exif is { } exif ? ExifOrientation.Read(bytes.AsSpan(exif)) : ExifOrientation.Normal;
        var sha256 = knownSha256 ?? Convert.ToHexStringLower(SHA256.HashData(bytes));

        Mat? pixels = null;
        try
        {
            // Unchanged: keep depth, channels and alpha, and leave orientation to us.
            pixels = Cv2.ImDecode(bytes, ImreadModes.Unchanged | ImreadModes.IgnoreOrientation);
            if (pixels.Empty())
                throw new ImageException(source, $"{source}: not an image (the {FormatName(header.Format)} data could not be decoded)");
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
            throw new ImageException(source, $"{source}: cannot decode image ({FirstLine(ex.Message)})", ex);
        }
        finally
        {
            pixels?.Dispose();
        }
    }

    private static ImageException CannotRead(string path, Exception ex)
    {
        var reason = ex switch
        {
            FileNotFoundException or DirectoryNotFoundException => "no such file",
            UnauthorizedAccessException => "permission denied",
            PathTooLongException => "path too long",
            NotSupportedException or ArgumentException => "invalid path",
            _ => FirstLine(ex.Message),
        };
        return new ImageException(path, $"{path}: cannot read file ({reason})", ex);
    }

    private static void CheckLimit(string source, int width, int height, ImageLimits limits)
    {
        var pixels = (long)width * height;
        if (pixels > limits.MaxPixels)
            throw new ImageTooLargeException(source,
                $"{source}: image is {width}x{height} = {Megapixels(pixels, "0.0")} megapixels, " +
                $"over the {Megapixels(limits.MaxPixels, "0.######")} megapixel limit", pixels, limits.MaxPixels);
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
