namespace Visage.Models;

/// <summary>The model packs Visage knows how to fetch and run.</summary>
public static class ModelCatalog
{
    public static ModelPack Faceplugin { get; } = new(
        Id: "faceplugin",
        Description: "UltraFace RFB-320 detector, 68-point landmarks, 512-d embedder on 5-point aligned 112x112 faces",
        Package: new NpmPackage(
            "faceplugin-face-recognition-js",
            "0.0.1",
            "shriXjd4zJHEwhK1jHK+bWo8Vv6Vu9B/w6RRsd4AFtNM/jaI2vhuOamOSMl9qQmLd8WlQ7dgqN+3C2iOi5pXWw=="),
        Licence: "MIT (package.json; the weights' origin is not documented beyond it)",
        DetectorFile: "package/model/fr_detect.onnx",
        LandmarkFile: "package/model/fr_landmark.onnx",
        Embedder: new EmbedderSpec(
            File: "package/model/fr_feature.onnx",
            InputSize: 112,
            ColorOrder: ColorOrder.Bgr,
            Mean: 127f,
            Scale: 128f,
            EmbeddingSize: 512),
        DefaultThreshold: 1.2026f,
        ThresholdProvenance:
            "best accuracy on LFW View 1 pairsDevTrain.txt (2,200 pairs, 99.64%), the most central face of " +
            "each image, placed midway between the two distances where accuracy peaks; measured 99.10% on " +
            "pairsDevTest.txt with it (2026-11-28)");

    public static ModelPack Default => Faceplugin;

    public static IReadOnlyList<ModelPack> All { get; } = [Faceplugin];

    public static ModelPack Get(string id) =>
        All.FirstOrDefault(p => string.Equals(p.Id, id, StringComparison.OrdinalIgnoreCase))
        ?? throw new VisageException(
            $"unknown model pack '{id}': known packs are {string.Join(", ", All.Select(p => p.Id))}");
}
