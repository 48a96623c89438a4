namespace Visage.Search;

/// <summary>Which index a gallery gets, and how its HNSW graph is made.</summary>
internal sealed record FaceIndexOptions
{
    /// <summary>
    /// Galleries of at least this many faces get an HNSW graph; smaller ones exact search, which is exact and
    /// should still take a few milliseconds there: it reads every encoding per search (2.5 KB of a 640-d one,
    /// 51 MB at 20,000 faces). HNSW answered in under 1 ms (median) at 10,000 and 20,000 faces. The exact
    /// figures behind this choice were taken on a machine loaded 15-25 times over its cores and vary several
    /// fold between runs (README); re-measure with bench/Visage.IndexBench on a quiet machine.
    /// </summary>
    public int HnswFromFaces { get; init; } = 20_000;

    public HnswOptions Hnsw { get; init; } = HnswOptions.Default;

    /// <summary>
    /// For a PostgreSQL store: start from the store's graph snapshot when there is no usable saved graph, and keep
    /// that snapshot fresh (see <see cref="SnapshotCheck"/>).
    /// </summary>
    public bool StoreSnapshots { get; init; } = true;

    /// <summary>
    /// How often a replica holding a graph looks at the store's snapshot, the first time as soon as it is ready:
    /// it uploads one when there is none (never made, or deleted by an erasure) or when the newest is
    /// <see cref="SnapshotAfterChanges"/> changes behind it. Null: only when asked (tests, benchmarks).
    /// </summary>
    public TimeSpan? SnapshotCheck { get; init; } = TimeSpan.FromMinutes(10);

    /// <summary>Changes a snapshot may lag behind before a replica replaces it (each costs a new replica a replay).</summary>
    public long SnapshotAfterChanges { get; init; } = 10_000;

    public static FaceIndexOptions Default { get; } = new();
}
