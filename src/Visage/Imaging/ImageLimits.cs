using System.Globalization;

namespace Visage.Imaging;

/// <summary>Limits applied to an image before it is decoded.</summary>
/// <param name="MaxPixels">Largest width × height accepted; 40 megapixels by default.</param>
public sealed record ImageLimits(long MaxPixels = 40_000_000)
{
    public long MaxPixels { get; init; } = MaxPixels > 0
        ? MaxPixels
        : throw new InvalidSettingException(VisageSetting.MaxMegapixels,
            $"the pixel limit must be at least one pixel, not {MaxPixels}");

    /// <summary>The largest file accepted: an uncompressed 32-bit bitmap of the pixel limit, and some.</summary>
    public long MaxFileBytes => MaxPixels * 4 + 16 * 1024 * 1024;

    public static ImageLimits Default { get; } = new();

    /// <summary>A limit in megapixels, as people state it; refuses one under a single pixel.</summary>
    public static ImageLimits FromMegapixels(double megapixels)
    {
        var pixels = megapixels * 1e6;
        if (!(pixels >= 1) || !double.IsFinite(pixels) || pixels > long.MaxValue / 8)
            throw new InvalidSettingException(VisageSetting.MaxMegapixels,
                string.Create(CultureInfo.InvariantCulture,
                    $"the limit must be a number of megapixels of at least one pixel (0.000001), not {megapixels}"));
        return new ImageLimits((long)pixels);
    }
}
