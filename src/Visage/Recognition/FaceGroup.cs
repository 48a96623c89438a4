namespace Visage.Recognition;

/// <summary>
/// The faces of one person: an enrolled person (<see cref="Known"/>, with each face's distance to them), or a
/// group of strangers named "person N", with <see cref="Cluster"/> an id that stays the same while the group
/// holds the same faces.
/// </summary>
public sealed record FaceGroup(string Name, bool Known, string? Cluster, IReadOnlyList<GroupedFace> Faces)
{
    /// <summary>How many different photos the faces come from.</summary>
    public int Photos => Faces.Select(f => f.Face.ImageSha256).Distinct(StringComparer.Ordinal).Count();
}

/// <summary>A face of a group, with its distance to the enrolled person (null for strangers).</summary>
public sealed record GroupedFace(PhotoFace Face, float? Distance);
