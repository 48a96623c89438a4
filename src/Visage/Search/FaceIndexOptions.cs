namespace Visage.Search;

/// <summary>Which index a gallery gets, and how its HNSW graph is made.</summary>
internal sealed record FaceIndexOptions
{
    /// <summary>
    /// Galleries of at least this many faces get an HNSW graph; smaller ones exact search, which is then fast
    /// enough (see bench/Visage.IndexBench and README's table for the measurement behind this number).
    /// </summary>
    public int HnswFromFaces { get; init; } = 50_000;

    public HnswOptions Hnsw { get; init; } = HnswOptions.Default;

    public static FaceIndexOptions Default { get; } = new();
}
