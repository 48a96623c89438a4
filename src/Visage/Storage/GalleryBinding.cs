namespace Visage.Storage;

/// <summary>
/// The pipeline a gallery belongs to. <see cref="FingerprintId"/> is null for galleries made before
/// fingerprints (bound by model only).
/// </summary>
internal sealed record GalleryBinding(string ModelId, int Dimensions, string? FingerprintId, string? Pipeline);
