using Visage.Models.FaceApi;

namespace Visage.Models;

/// <summary>The model packs Visage knows how to fetch and run.</summary>
internal static class ModelCatalog
{
    private static readonly NpmPackage FacepluginPackage = new(
        "faceplugin-face-recognition-js",
        "0.0.1",
        "shriXjd4zJHEwhK1jHK+bWo8Vv6Vu9B/w6RRsd4AFtNM/jaI2vhuOamOSMl9qQmLd8WlQ7dgqN+3C2iOi5pXWw==");

    private const string FacepluginLicence = "MIT (package.json; the weights' origin is not documented beyond it)";

    private static readonly ModelFile UltraFace = new(FacepluginPackage, "package/model/fr_detect.onnx");
    private static readonly ModelFile Landmarks68 = new(FacepluginPackage, "package/model/fr_landmark.onnx");

    private static PackEmbedder Faceplugin512(float weight = 1f) => new(
        EmbedderKind.FivePoint,
        [new ModelFile(FacepluginPackage, "package/model/fr_feature.onnx")],
        512,
        new EmbedderSpec(InputSize: 112, ColorOrder: ColorOrder.Bgr, Mean: 127f, Scale: 128f, EmbeddingSize: 512),
        Weight: weight);

    private static PackEmbedder FaceApiResNet(bool flip, float weight = 1f) => new(
        EmbedderKind.DlibChip,
        FaceApiPackage.FaceRecognitionFiles.Select(f => new ModelFile(FaceApiPackage.Package, f)).ToList(),
        128,
        FlipAverage: flip,
        Weight: weight);

    public static ModelPack Faceplugin { get; } = new(
        Id: "faceplugin",
        Description: "UltraFace RFB-320 detector, 68-point landmarks, 512-d embedder on 5-point aligned 112x112 faces",
        Licence: FacepluginLicence,
        Detector: UltraFace,
        Landmarks: Landmarks68,
        Embedders: [Faceplugin512()],
        DefaultThreshold: 1.2026f,
        ThresholdProvenance:
            "best accuracy on LFW View 1 pairsDevTrain.txt (2,200 pairs, 99.64%), the most central face of " +
            "each image, placed midway between the two distances where accuracy peaks; measured 99.10% on " +
            "pairsDevTest.txt with it (2026-11-28)");

    public static ModelPack FaceApiResNet34 { get; } = new(
        Id: "face-api-resnet34",
        Description: "faceplugin's detector and landmarks; face-api's port of dlib's ResNet (128-d) on dlib face chips",
        Licence: $"{FacepluginLicence}; face-api: MIT (weights trained by Davis King for dlib)",
        Detector: UltraFace,
        Landmarks: Landmarks68,
        Embedders: [FaceApiResNet(flip: false)],
        DefaultThreshold: 0.4245f,
        ThresholdProvenance:
            "best accuracy on LFW View 1 pairsDevTrain.txt (99.05%), most central face; 98.80% on pairsDevTest.txt");

    public static ModelPack FaceApiResNet34Flip { get; } = new(
        Id: "face-api-resnet34-flip",
        Description: "face-api-resnet34, each encoding averaged with that of the mirrored chip",
        Licence: FaceApiResNet34.Licence,
        Detector: UltraFace,
        Landmarks: Landmarks68,
        Embedders: [FaceApiResNet(flip: true)],
        DefaultThreshold: 0.4088f,
        ThresholdProvenance:
            "best accuracy on LFW View 1 pairsDevTrain.txt (99.18%), most central face; 98.70% on pairsDevTest.txt");

    /// <summary>
    /// The 512-d and the dlib-port encodings fused. Their distance scales differ, so the weights were found by
    /// standardising each model's squared distances (dividing by their spread on DevTrain) and searching the
    /// mix in steps of 0.05 for the best DevTrain accuracy; as weights of the raw squared distances they are
    /// 0.1230 and 0.8770.
    /// </summary>
    public static ModelPack Fusion { get; } = new(
        Id: "fusion",
        Description: "faceplugin's 512-d encoder and face-api's dlib ResNet, fused (standardised weighting)",
        Licence: FaceApiResNet34.Licence,
        Detector: UltraFace,
        Landmarks: Landmarks68,
        Embedders: [Faceplugin512(weight: 0.1230f), FaceApiResNet(flip: false, weight: 0.8770f)],
        DefaultThreshold: 0.5790f,
        ThresholdProvenance:
            "weights and threshold chosen on LFW View 1 pairsDevTrain.txt (99.73%), most central face; " +
            "99.20% on pairsDevTest.txt (2026-11-28)");

    /// <summary>The most accurate pack on LFW View 1 DevTest (see README).</summary>
    public static ModelPack Default => Fusion;

    public static IReadOnlyList<ModelPack> All { get; } = [Fusion, Faceplugin, FaceApiResNet34, FaceApiResNet34Flip];

    public static ModelPack Get(string id) =>
        All.FirstOrDefault(p => string.Equals(p.Id, id, StringComparison.OrdinalIgnoreCase))
        ?? throw new ModelException(id, ModelProblem.Unknown,
            $"unknown model pack '{id}': known packs are {string.Join(", ", All.Select(p => p.Id))}");
}
