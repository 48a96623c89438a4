using Visage.Recognition;

namespace Visage.Json;

/// <summary>
/// Who is in an image: <c>{"image","model","fingerprint","threshold","faces"}</c>, faces left to right. The
/// service adds <c>timings</c> (milliseconds per stage).
/// </summary>
public sealed record IdentifyJson(string Image, string Model, string Fingerprint, ThresholdJson Threshold,
    IReadOnlyList<IdentifiedFaceJson> Faces, IReadOnlyDictionary<string, double>? Timings = null)
{
    public static IdentifyJson From(string image, PipelineFingerprint pipeline, DecisionThreshold threshold,
        IReadOnlyList<Identification> faces, int? top = null, IReadOnlyDictionary<string, double>? timings = null) =>
        new(image, pipeline.ModelId, pipeline.Id, ThresholdJson.From(threshold),
            faces.Select(f => IdentifiedFaceJson.From(f, top)).ToList(), timings);
}
