using Visage.Recognition;

namespace Visage.Json;

/// <summary>
/// A face and who it is: <c>{"box","score","landmarks","person","known","distance","candidates"}</c>. <c>person</c> is
/// null for a stranger; <c>distance</c> is to the nearest enrolled person (null when nobody is enrolled), and
/// <c>candidates</c> lists the nearest people, nearest first.
/// </summary>
public sealed record IdentifiedFaceJson(
    BoxJson Box, float Score, float[][]? Landmarks, string? Person, bool Known, float? Distance,
    IReadOnlyList<CandidateJson> Candidates)
{
    public static IdentifiedFaceJson From(Identification id, int? top = null) => new(
        BoxJson.From(id.Face.Box), MathF.Round(id.Face.Score, 4), FaceJson.FivePoints(id.Face), id.Identity, id.IsKnown,
        float.IsFinite(id.Distance) ? MathF.Round(id.Distance, 4) : null,
        id.Distances.Take(top ?? int.MaxValue).Select(d => new CandidateJson(d.Identity, MathF.Round(d.Distance, 4))).ToList());
}
