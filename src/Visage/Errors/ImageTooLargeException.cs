namespace Visage;

/// <summary>An image over the pixel limit, refused before it was decoded.</summary>
public sealed class ImageTooLargeException(string source, string message, long pixels, long limit)
    : ImageException(source, message)
{
    public long Pixels { get; } = pixels;
    public long Limit { get; } = limit;
}
