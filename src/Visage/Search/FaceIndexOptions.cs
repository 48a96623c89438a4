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

    public static FaceIndexOptions Default { get; } = new();
}
