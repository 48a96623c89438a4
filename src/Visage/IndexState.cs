namespace Visage;

/// <summary>
/// The search index identify uses: <paramref name="Kind"/> "exact" or "hnsw", the faces and people it holds,
/// whether it was loaded from its saved copy or built from the store (and why), how long that took, the store
/// stamp it is current at, and for a store shared by replicas whether it is following the store's changes.
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
    string? FollowError)
{
    /// <summary>
    /// For a store shared by replicas: how many times the index was reconciled with the faces stored (at an
    /// erasure logged after a change it had not applied, or when it was further behind than the log reaches).
    /// </summary>
    public int? Reconciliations { get; init; }

    /// <summary>For a store shared by replicas: how many erasures were applied by removing the faces they list.</summary>
    public int? ErasesApplied { get; init; }
}
