namespace Visage.Search;

/// <summary>
/// How the HNSW graph is built and searched. A search asks the graph for
/// max(<see cref="MinCandidates"/>, identities x <see cref="CandidatesPerIdentity"/>) nearest faces (USearch
/// explores at least that many), then ranks their identities by exact distance.
/// </summary>
internal sealed record HnswOptions
{
    /// <summary>Edges per node (HNSW's M).</summary>
    public int Connectivity { get; init; } = 16;

    /// <summary>Candidates kept while linking a new face (efConstruction).</summary>
    public int ExpansionAdd { get; init; } = 128;

    /// <summary>Candidates kept while searching (ef), at least the faces asked for.</summary>
    public int ExpansionSearch { get; init; } = 64;

    public int MinCandidates { get; init; } = 64;

    public int CandidatesPerIdentity { get; init; } = 8;

    /// <summary>Threads a bulk add uses, and searches that may run inside the library at once.</summary>
    public int Threads { get; init; } = Math.Max(Environment.ProcessorCount, 1);

    public static HnswOptions Default { get; } = new();
}
