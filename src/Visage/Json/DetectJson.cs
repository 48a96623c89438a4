using Visage.Detection;

namespace Visage.Json;

/// <summary>
/// Where the faces of an image are, without landmarks or encodings: <c>{"image","model","faces"}</c>, each face
/// <c>{"box","score","landmarks":null,"embedding":null}</c>, left to right.
/// </summary>
public sealed record DetectJson(string Image, string Model, IReadOnlyList<FaceJson> Faces)
{
    public static DetectJson From(string image, string model, IReadOnlyList<DetectedFace> faces) =>
        new(image, model, faces.Select(f => new FaceJson(BoxJson.From(f.Box), MathF.Round(f.Score, 4), null, null)).ToList());
}
