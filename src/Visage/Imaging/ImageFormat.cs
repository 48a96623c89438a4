namespace Visage.Imaging;

/// <summary>The encoded formats <see cref="ImageReader"/> accepts.</summary>
internal enum ImageFormat
{
    Jpeg,
    Png,
    Bmp,
    WebP,
}
