using Visage.Recognition;

namespace Visage.Json;

/// <summary>
/// A person's faces: <c>{"name","known","cluster","photos","faces"}</c>; <c>known</c> for an enrolled person,
/// otherwise <c>name</c> is "person N" and <c>cluster</c> the group's id (what naming a group takes).
/// </summary>
public sealed record FaceGroupJson(string Name, bool Known, string? Cluster, int Photos, IReadOnlyList<GroupedFaceJson> Faces)
{
    public static FaceGroupJson From(FaceGroup group) => new(group.Name, group.Known, group.Cluster, group.Photos,
        group.Faces.Select(f => GroupedFaceJson.From(f.Face, f.Distance)).ToList());
}
