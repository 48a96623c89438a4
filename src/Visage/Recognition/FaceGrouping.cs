namespace Visage.Recognition;

/// <summary>
/// Every face of some photos, grouped: the enrolled people first (by name), then the groups of strangers, biggest
/// first, named "person 1", "person 2", ...; faces in no group are <see cref="Unassigned"/>.
/// </summary>
/// <param name="Threshold">The threshold that decided "known".</param>
/// <param name="ClusterDistance">The distance strangers were grouped at.</param>
/// <param name="Method">The grouping method, in words.</param>
public sealed record FaceGrouping(
    IReadOnlyList<FaceGroup> Groups,
    IReadOnlyList<PhotoFace> Unassigned,
    int Photos,
    int FacesFound,
    IReadOnlyList<PhotoProblem> Failed,
    DecisionThreshold Threshold,
    float ClusterDistance,
    string Method,
    int MinClusterSize)
{
    /// <summary>The group of strangers with this id, or null.</summary>
    public FaceGroup? Cluster(string id) =>
        Groups.FirstOrDefault(g => !g.Known && string.Equals(g.Cluster, id.Trim(), StringComparison.OrdinalIgnoreCase));
}
