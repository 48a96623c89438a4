namespace Visage.Recognition.Clustering;

/// <summary>
/// How to group encodings into people.
/// </summary>
/// <param name="Method">The grouping algorithm.</param>
/// <param name="Threshold">
/// The distance at or under which two faces may be the same person (the edges of the neighbour graph; DBSCAN's
/// epsilon; average linkage's cut). See <see cref="FromMatchThreshold"/> for deriving it from a verification
/// threshold.
/// </param>
/// <param name="MinClusterSize">Groups smaller than this are left unassigned (outliers).</param>
/// <param name="MinNeighbours">DBSCAN: faces within the threshold, itself included, that make a face a core.</param>
/// <param name="Passes">Chinese whispers: passes over every face in a seeded random order (dlib: 100).</param>
/// <param name="Weighted">Chinese whispers: neighbours vote with weight 1 - distance/threshold instead of 1, and a
/// face's own label does not vote.</param>
/// <param name="Seed">Seeds Chinese whispers' order, so the same faces always give the same groups.</param>
internal sealed record ClusteringOptions(
    ClusteringMethod Method,
    float Threshold,
    int MinClusterSize = 2,
    int MinNeighbours = 2,
    int Passes = 100,
    bool Weighted = false,
    int Seed = 14)
{
    /// <summary>
    /// The clustering threshold as a fraction of the verification threshold (the pack's, or the gallery's
    /// calibrated one). Grouping chains faces together, so a looser threshold than a one-to-one match needs
    /// merges different people. Measured on LFW (bench/Visage.ClusterBench; README, "Who are the strangers?").
    /// </summary>
    public const float DefaultThresholdRatio = 0.9f;

    /// <summary>
    /// The default method: average linkage had the best pairwise F1 on LFW portraits and on the group-photo mix,
    /// with the highest precision at its best threshold (README, "Who are the strangers?").
    /// </summary>
    public const ClusteringMethod DefaultMethod = ClusteringMethod.AverageLinkage;

    /// <summary>Options whose threshold is <paramref name="ratio"/> times a verification threshold.</summary>
    public static ClusteringOptions FromMatchThreshold(float matchThreshold,
        ClusteringMethod method = DefaultMethod, float ratio = DefaultThresholdRatio) =>
        new(method, matchThreshold * ratio);

    /// <summary>Throws when an option is out of range, naming it.</summary>
    public void Validate()
    {
        if (!float.IsFinite(Threshold) || Threshold <= 0)
            throw new ArgumentOutOfRangeException(nameof(Threshold), Threshold, "the clustering threshold must be a positive distance");
        if (MinClusterSize < 1)
            throw new ArgumentOutOfRangeException(nameof(MinClusterSize), MinClusterSize, "the minimum cluster size must be at least 1");
        if (MinNeighbours < 1)
            throw new ArgumentOutOfRangeException(nameof(MinNeighbours), MinNeighbours, "DBSCAN's minimum neighbours must be at least 1");
        if (Passes < 1)
            throw new ArgumentOutOfRangeException(nameof(Passes), Passes, "Chinese whispers needs at least one pass");
        if (!Enum.IsDefined(Method))
            throw new ArgumentOutOfRangeException(nameof(Method), Method, "unknown clustering method");
    }
}
