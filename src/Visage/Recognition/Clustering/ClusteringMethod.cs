namespace Visage.Recognition.Clustering;

/// <summary>How faces near each other are grouped into people.</summary>
internal enum ClusteringMethod
{
    /// <summary>
    /// Label propagation on the graph of faces within the threshold of each other, as dlib's face clustering
    /// does: every face repeatedly takes the label most of its neighbours carry.
    /// </summary>
    ChineseWhispers,

    /// <summary>
    /// Density-based: a face with enough neighbours within the threshold is a core; cores within the threshold
    /// of each other share a cluster; the rest join their nearest core or stay unassigned (Immich, PhotoPrism).
    /// </summary>
    Dbscan,

    /// <summary>
    /// Agglomerative with average linkage: the two groups whose mean pairwise distance is smallest merge, until
    /// that mean exceeds the threshold.
    /// </summary>
    AverageLinkage,
}
