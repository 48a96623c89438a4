using OpenCvSharp;

namespace Visage.Imaging;

/// <summary>
/// A decoded image, upright (Exif orientation applied), as 8-bit 3-channel BGR pixels.
/// Owns <see cref="Pixels"/>: disposing the image releases the Mat.
/// </summary>
public sealed class FaceImage : IDisposable
{
    private readonly Mat _pixels;
    private bool _disposed;

    /// <summary>Takes ownership of <paramref name="pixels"/>, which must be CV_8UC3.</summary>
    public FaceImage(Mat pixels, string source, string sha256)
    {
        ArgumentNullException.ThrowIfNull(pixels);
        ArgumentNullException.ThrowIfNull(source);
        ArgumentNullException.ThrowIfNull(sha256);
        if (pixels.Type() != MatType.CV_8UC3)
            throw new ArgumentException($"Pixels must be CV_8UC3, not {pixels.Type()}.", nameof(pixels));
        if (pixels.Empty())
            throw new ArgumentException("Pixels must not be empty.", nameof(pixels));

        _pixels = pixels;
        Source = source;
        Sha256 = sha256;
        Width = pixels.Width;
        Height = pixels.Height;
    }

    /// <summary>8-bit, 3-channel BGR pixels (CV_8UC3).</summary>
    public Mat Pixels
    {
        get
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            return _pixels;
        }
    }

    /// <summary>The path or name the image came from.</summary>
    public string Source { get; }

    /// <summary>Lower-case hex SHA-256 of the encoded bytes exactly as read.</summary>
    public string Sha256 { get; }

    public int Width { get; }

    public int Height { get; }

    public void Dispose()
    {
        if (_disposed)
            return;
        _disposed = true;
        _pixels.Dispose();
    }
}
