namespace Visage.Storage;

/// <summary>A threshold calibrated for a gallery, with a note of how it was chosen.</summary>
public sealed record GalleryThreshold(float Value, string Note);
