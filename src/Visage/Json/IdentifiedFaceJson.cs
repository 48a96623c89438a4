using System.Text.Json.Serialization;
using Visage.Recognition;

namespace Visage.Json;

/// <summary>
/// A face and who it is: <c>{"box","score","landmarks","person","known","distance","candidates"}</c>. <c>person</c> is
/// null for a stranger; <c>distance</c> is to the nearest enrolled person (null when nobody is enrolled), and
/// <c>candidates</c> lists the nearest people, nearest first. With a liveness check, <c>"liveness"</c> (a
/// <see cref="LivenessJson"/>); a face that fails it is nobody (<c>person</c> null) whoever it looks like.
/// </summary>
public sealed record IdentifiedFaceJson(
    BoxJson Box, float Score, float[][]? Landmarks, string? Person, bool Known, float? Distance,
    IReadOnlyList<CandidateJson> Candidates,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] LivenessJson? Liveness = null)
{
    public static IdentifiedFaceJson From(Identification id, int? top = null) => new(
        BoxJson.From(id.Face.Box), MathF.Round(id.Face.Score, 4), FaceJson.FivePoints(id.Face), id.Identity, id.IsKnown,
        float.IsFinite(id.Distance) ? MathF.Round(id.Distance, 4) : null,
        id.Distances.Take(top ?? int.MaxValue).Select(d => new CandidateJson(d.Identity, MathF.Round(d.Distance, 4))).ToList(),
        LivenessJson.From(id.Face.Liveness));
}
