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

    /// <summary>
    /// Candidates kept while searching (ef), at least the faces asked for. 256, not USearch's 64: on 20,000
    /// 640-d faces (3,000 LFW, the rest LFW-like synthetic) 64 found the exact nearest for 371 of 400 LFW probes
    /// and 256 for 398 (bench/Visage.IndexBench, README).
    /// </summary>
    public int ExpansionSearch { get; init; } = 256;

    /// <summary>How the graph stores its copy of each encoding (the float32 encodings are kept apart for distances).</summary>
    public HnswScalar Scalar { get; init; } = HnswScalar.Float32;

    public int MinCandidates { get; init; } = 64;

    public int CandidatesPerIdentity { get; init; } = 8;

    /// <summary>Threads a bulk add uses, and searches that may run inside the library at once.</summary>
    public int Threads { get; init; } = Math.Max(Environment.ProcessorCount, 1);

    public static HnswOptions Default { get; } = new();
}
