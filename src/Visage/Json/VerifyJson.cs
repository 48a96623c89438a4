using Visage.Recognition;

namespace Visage.Json;

/// <summary>
/// Whether two images show the same person: <c>{"model","fingerprint","threshold","distance","samePerson","images"}</c>,
/// each image <c>{"image","facesFound","face"}</c> (the largest face was compared).
/// </summary>
public sealed record VerifyJson(string Model, string Fingerprint, ThresholdJson Threshold, float Distance, bool SamePerson,
    IReadOnlyList<VerifiedImageJson> Images)
{
    public static VerifyJson From(PipelineFingerprint pipeline, Verification v) => new(pipeline.ModelId,
        pipeline.Id, ThresholdJson.From(v.Threshold), MathF.Round(v.Distance, 4), v.SamePerson,
        [VerifiedImageJson.From(v.First), VerifiedImageJson.From(v.Second)]);
}
