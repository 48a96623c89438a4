using Visage.Recognition;

namespace Visage.Json;

/// <summary>The faces of an image with their encodings: <c>{"image","model","fingerprint","dimensions","faces"}</c>.</summary>
public sealed record EmbedJson(string Image, string Model, string Fingerprint, int Dimensions, IReadOnlyList<FaceJson> Faces)
{
    public static EmbedJson From(string image, PipelineFingerprint pipeline, int dimensions, IReadOnlyList<Face> faces,
        bool withEmbeddings = true) =>
        new(image, pipeline.ModelId, pipeline.Id, dimensions,
            faces.Select(f => FaceJson.From(f, withEmbeddings)).ToList());
}
