using Visage.Recognition;

namespace Visage.Json;

/// <summary>
/// The faces of some photos grouped into people: <c>{"model","fingerprint","threshold","clustering","photos",
/// "facesFound","groups","unassigned","failed"}</c>; <c>clustering</c> is <c>{"method","distance","minSize"}</c>,
/// <c>failed</c> lists <c>{"image","message"}</c>.
/// </summary>
public sealed record ClusterJson(string Model, string Fingerprint, ThresholdJson Threshold, ClusteringJson Clustering,
    int Photos, int FacesFound, IReadOnlyList<FaceGroupJson> Groups, IReadOnlyList<GroupedFaceJson> Unassigned,
    IReadOnlyList<PhotoProblemJson> Failed)
{
    public static ClusterJson From(PipelineFingerprint pipeline, FaceGrouping g) => new(pipeline.ModelId, pipeline.Id,
        ThresholdJson.From(g.Threshold), new ClusteringJson(g.Method, MathF.Round(g.ClusterDistance, 4), g.MinClusterSize),
        g.Photos, g.FacesFound, g.Groups.Select(FaceGroupJson.From).ToList(),
        g.Unassigned.Select(f => GroupedFaceJson.From(f)).ToList(),
        g.Failed.Select(f => new PhotoProblemJson(f.Image, f.Message)).ToList());
}

/// <summary>How strangers were grouped: <c>{"method","distance","minSize"}</c>.</summary>
public sealed record ClusteringJson(string Method, float Distance, int MinSize);

/// <summary>A photo that could not be used: <c>{"image","message"}</c>.</summary>
public sealed record PhotoProblemJson(string Image, string Message);
