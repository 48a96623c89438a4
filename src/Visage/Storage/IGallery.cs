namespace Visage.Storage;

/// <summary>
/// Enrolled faces, all encoded by one embedding model. An image is enrolled at most once (by the SHA-256
/// of its bytes), and each add is all-or-nothing.
/// </summary>
public interface IGallery : IDisposable
{
    /// <summary>Where the gallery lives, for messages.</summary>
    string Location { get; }

    string ModelId { get; }

    int Dimensions { get; }

    Task<IReadOnlyList<GalleryFace>> GetFacesAsync(CancellationToken ct = default);

    /// <summary>The identity an image is enrolled under, or null.</summary>
    Task<string?> FindImageAsync(string imageSha256, CancellationToken ct = default);

    Task<AddResult> AddAsync(IReadOnlyList<NewFace> faces, CancellationToken ct = default);

    /// <summary>The threshold calibrated for this gallery, or null when it has none.</summary>
    Task<GalleryThreshold?> GetThresholdAsync(CancellationToken ct = default);

    Task SetThresholdAsync(GalleryThreshold threshold, CancellationToken ct = default);
}
