using System.Text.Json.Serialization;
using Visage.Recognition;

namespace Visage.Json;

/// <summary>
/// A face found in an image: <c>{"box","score","landmarks"}</c>, and <c>"embedding"</c> when encodings were asked
/// for. Landmarks are the five points alignment uses (eye centres, nose tip, mouth corners), as [x, y] pairs; a pack
/// aligned on its detector's keypoints (BlazeFace's) gives the mouth centre for both corners.
/// <c>"liveness"</c> (a <see cref="LivenessJson"/>) only when a liveness check was asked for.
/// </summary>
public sealed record FaceJson(BoxJson Box, float Score, float[][]? Landmarks, float[]? Embedding,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] LivenessJson? Liveness = null)
{
    public static FaceJson From(Face face, bool withEmbedding = false) =>
        new(BoxJson.From(face.Box), MathF.Round(face.Score, 4), FivePoints(face), withEmbedding ? face.Embedding : null,
            LivenessJson.From(face.Liveness));

    internal static float[][]? FivePoints(Face face) =>
        face.Landmarks?.FivePoints().Select(p => new[] { MathF.Round(p.X, 1), MathF.Round(p.Y, 1) }).ToArray();
}
