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

    /// <summary>
    /// How the graph stores its copy of each encoding (the float32 encodings are kept apart for distances).
    /// Signed bytes: building 50,000 512-d faces (uniform distractors plus LFW) took 1.30 CPU ms a face against
    /// 2.89 with float32, with the same recall@1 (1.0000 on 1,897 LFW probes; 299 and 298 of 300 synthetic
    /// ones), AMD EPYC, 2 cores, busy machine (bench/Visage.IndexBench, README).
    /// </summary>
    public HnswScalar Scalar { get; init; } = HnswScalar.Int8;

    public int MinCandidates { get; init; } = 64;

    public int CandidatesPerIdentity { get; init; } = 8;

    /// <summary>Threads a bulk add uses, and searches that may run inside the library at once.</summary>
    public int Threads { get; init; } = Math.Max(Environment.ProcessorCount, 1);

    public static HnswOptions Default { get; } = new();
}
