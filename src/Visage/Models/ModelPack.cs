namespace Visage.Models;

/// <summary>
/// The networks that together turn a photo into face encodings: a detector, a landmark model and one or
/// more embedders (several are fused into one encoding). Each file comes from a pinned npm package. The
/// default threshold is a Euclidean distance between unit-length encodings: a face matches when its
/// distance is at most the threshold. <see cref="LandmarkerKind"/> says which network <see cref="Landmarks"/>
/// is; <see cref="LandmarkFiles"/> are the further files it needs (a TensorFlow.js model's weights).
/// <see cref="BlazeFace"/> is set when <see cref="Detector"/> is a BlazeFace model (UltraFace otherwise).
/// </summary>
internal sealed record ModelPack(
    string Id,
    string Description,
    string Licence,
    ModelFile Detector,
    ModelFile Landmarks,
    IReadOnlyList<PackEmbedder> Embedders,
    float DefaultThreshold,
    string ThresholdProvenance,
    LandmarkerKind LandmarkerKind = LandmarkerKind.Points68,
    IReadOnlyList<ModelFile>? LandmarkFiles = null,
    Quantised.QuantiserSettings? Int8Detector = null,
    Quantised.QuantiserSettings? Int8Landmarks = null,
    string? QuantisedFrom = null,
    BlazeFaceBoxes? BlazeFace = null)
{
    /// <summary>Whether some network of the pack runs as int8, made from <see cref="QuantisedFrom"/>'s float one.</summary>
    public bool Quantised => QuantisedFrom is not null;

    /// <summary>Every file the pack uses.</summary>
    public IReadOnlyList<ModelFile> Files =>
        [Detector, Landmarks, .. LandmarkFiles ?? [], .. Embedders.SelectMany(e => e.Files)];

    public IReadOnlyList<NpmPackage> Packages => Files.Select(f => f.Package).Distinct().ToList();

    public int Dimensions => Embedders.Sum(e => e.Dimensions);
}
