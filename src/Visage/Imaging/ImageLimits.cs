namespace Visage.Imaging;

/// <summary>Limits applied to an image before it is decoded.</summary>
/// <param name="MaxPixels">Largest width × height accepted; 40 megapixels by default.</param>
public sealed record ImageLimits(long MaxPixels = 40_000_000)
{
    public long MaxPixels { get; init; } = MaxPixels > 0
        ? MaxPixels
        : throw new ArgumentOutOfRangeException(nameof(MaxPixels), MaxPixels, "The pixel limit must be positive.");

    public static ImageLimits Default { get; } = new();
}
