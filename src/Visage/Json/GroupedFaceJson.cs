using Visage.Recognition;

namespace Visage.Json;

/// <summary>A face of a group: <c>{"image","box","score","distance"}</c>, distance to the enrolled person (null for strangers).</summary>
public sealed record GroupedFaceJson(string Image, BoxJson Box, float Score, float? Distance)
{
    public static GroupedFaceJson From(PhotoFace face, float? distance = null) =>
        new(face.Image, BoxJson.From(face.Box), MathF.Round(face.Score, 4), distance is { } d ? MathF.Round(d, 4) : null);
}
