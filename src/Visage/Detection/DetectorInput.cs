namespace Visage.Detection;

/// <summary>How UltraFace (the packs' own detector) sees a photo.</summary>
public enum DetectorInput
{
    /// <summary>Squeezed to the network's 320x240, whatever the photo's shape (as the network was published).</summary>
    Squeezed,

    /// <summary>
    /// Fitted: the photo's own aspect, within the same number of pixels (320 x 240), never enlarged, sides a
    /// multiple of 16 (a 250x250 photo runs at 240x240).
    /// </summary>
    Fitted,
}
