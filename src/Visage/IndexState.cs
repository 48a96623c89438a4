namespace Visage;

/// <summary>
/// The search index identify uses: <paramref name="Kind"/> "exact" or "hnsw", the faces and people it holds,
/// whether it was loaded from its saved copy or built from the store (and why), how long that took, the store
/// stamp it is current at, and for a store shared by replicas whether it is following the store's changes.
/// <paramref name="Origin"/>: "built", "loaded" (its saved copy) or "snapshot" (the shared store's graph snapshot,
/// <paramref name="OriginDetail"/> saying which and how long each step took).
/// </summary>
public sealed record IndexState(
    string Kind,
    int Faces,
    int People,
    bool Loaded,
    string? WhyBuilt,
    TimeSpan OpenTime,
    string Stamp,
    bool? Following,
    string? FollowError,
    string Origin = "built",
    string? OriginDetail = null);
