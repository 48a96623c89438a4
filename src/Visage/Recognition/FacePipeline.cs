using Microsoft.ML.OnnxRuntime;
using OpenCvSharp;
using Visage.Alignment;
using Visage.Detection;
using Visage.Embedding;
using Visage.Landmarks;
using Visage.Models;

namespace Visage.Recognition;

/// <summary>
/// Detect, locate landmarks, align and embed: the one pipeline every front end shares.
/// Its networks are loaded once and reused; all faces of an image are embedded in one run.
/// Not thread-safe: give each thread its own pipeline.
/// </summary>
public sealed class FacePipeline(
    IFaceDetector detector,
    ILandmarker? landmarker,
    IFaceEmbedder embedder,
    float defaultThreshold) : IDisposable
{
    public IFaceDetector Detector => detector;
    public ILandmarker? Landmarker => landmarker;
    public IFaceEmbedder Embedder => embedder;

    public string ModelId => embedder.ModelId;
    public int Dimensions => embedder.Dimensions;

    /// <summary>The threshold of the model: a pack's calibrated one, or the seed's 0.52.</summary>
    public float DefaultThreshold => defaultThreshold;

    /// <summary>Loads the default pack with its own detector.</summary>
    public static Task<FacePipeline> LoadAsync(ModelPack pack, ModelStore store, PipelineOptions? options = null,
        IProgress<FetchProgress>? progress = null, CancellationToken ct = default) =>
        LoadAsync(new ModelChoice.Pack(pack), store, options, progress, ct);

    /// <summary>Fetches what is needed and loads the networks.</summary>
    public static async Task<FacePipeline> LoadAsync(ModelChoice model, ModelStore store,
        PipelineOptions? options = null, IProgress<FetchProgress>? progress = null, CancellationToken ct = default)
    {
        options ??= new PipelineOptions();
        // Every loaded pipeline needs the default pack: its detector, or its landmarks and embedder.
        var pack = model is ModelChoice.Pack chosen ? chosen.Value : ModelCatalog.Default;
        if (model is ModelChoice.Pack || options.Detector == DetectorKind.Pack)
            await store.EnsureAsync(pack, progress, ct);
        if (options.Detector == DetectorKind.BlazeFace)
            await store.EnsureAsync("blazeface", [ModelCatalog.BlazeFaceBack], progress, ct);
        var session = new SessionOptions { InterOpNumThreads = 1 };
        if (options.IntraOpThreads is { } threads) session.IntraOpNumThreads = threads;

        var owned = new List<IDisposable>();
        try
        {
            IFaceDetector loadedDetector = options.Detector switch
            {
                DetectorKind.Haar => new HaarFaceDetector(),
                DetectorKind.BlazeFace => new BlazeFaceDetector(store.FilePath(ModelCatalog.BlazeFaceBack),
                    options.DetectionThreshold, options.NmsIouThreshold, BlazeFaceBoxScale, BlazeFaceBoxShift, session),
                _ => new UltraFaceDetector(store.FilePath(pack.Detector), options.DetectionThreshold,
                    options.NmsIouThreshold, session),
            };
            owned.Add(loadedDetector);

            if (model is ModelChoice.Seed seed)
                return new FacePipeline(loadedDetector, null, new SeedEmbedder(seed.WeightsFolder, session),
                    ModelChoice.SeedThreshold);

            ILandmarker loadedLandmarker = pack.LandmarkerKind switch
            {
                LandmarkerKind.FaceMesh => new FaceMeshLandmarker(store.FilePath(pack.Landmarks), options: session),
                _ => new Landmark68Model(store.FilePath(pack.Landmarks), session),
            };
            owned.Add(loadedLandmarker);
            var parts = new List<(IFaceEmbedder, float)>();
            foreach (var part in pack.Embedders)
            {
                var embedder = LoadEmbedder(part, pack, store, session);
                owned.Add(embedder);
                parts.Add((embedder, part.Weight));
            }
            IFaceEmbedder loadedEmbedder = parts.Count == 1 ? parts[0].Item1 : new FusedEmbedder(parts, pack.Id);
            return new FacePipeline(loadedDetector, loadedLandmarker, loadedEmbedder, pack.DefaultThreshold);
        }
        catch (Exception e)
        {
            foreach (var resource in owned) resource.Dispose();
            if (e is OnnxRuntimeException)
                throw new VisageException(
                    $"model pack '{pack.Id}' could not be loaded ({e.Message.Split('\n')[0]}); " +
                    $"delete {store.Home.ModelsFolder} and run 'visage models fetch'", e);
            throw;
        }
    }

    // BlazeFace's boxes moved and grown to the place and size of UltraFace's, for which the landmarkers
    // crop: the medians over the first photo of the first 60 people of LFW, where both found the face
    // (UltraFace's box 1.256 times as tall, its centre 0.118 of BlazeFace's height higher).
    internal const float BlazeFaceBoxScale = 1.256f;
    internal const float BlazeFaceBoxShift = -0.118f;

    private static IFaceEmbedder LoadEmbedder(PackEmbedder part, ModelPack pack, ModelStore store,
        SessionOptions session) => part.Kind switch
    {
        EmbedderKind.FivePoint => new FivePointEmbedder(pack.Id,
            new EmbeddingNetwork(store.FilePath(part.Files[0]),
                part.Network ?? throw new InvalidOperationException($"pack {pack.Id}: a five-point embedder needs its input spec"),
                session),
            AlignmentTemplate.ArcFace112.Resized(part.Network.InputSize, part.Network.TemplateScale), part.FlipAverage),
        EmbedderKind.DlibChip => new DlibChipEmbedder(Path.GetDirectoryName(store.FilePath(part.Files[0]))!,
            part.FlipAverage, options: session),
        _ => throw new InvalidOperationException($"pack {pack.Id}: unknown embedder kind {part.Kind}"),
    };

    public IReadOnlyList<DetectedFace> Detect(Mat bgrImage) => detector.Detect(bgrImage);

    /// <summary>Every face in the image, each with its landmarks and encoding.</summary>
    public IReadOnlyList<Face> Analyze(Mat bgrImage) => Analyze(bgrImage, Detect(bgrImage));

    /// <summary>Landmarks and encodings for faces found elsewhere (another detector, a fixed box).</summary>
    public IReadOnlyList<Face> Analyze(Mat bgrImage, IReadOnlyList<DetectedFace> faces)
    {
        if (faces.Count == 0) return [];
        IReadOnlyList<FaceLandmarks?> landmarks = embedder.UsesLandmarks
            ? (landmarker ?? throw new InvalidOperationException($"embedder {ModelId} needs a landmarker"))
                .Locate(bgrImage, faces.Select(f => f.Box).ToList()).Cast<FaceLandmarks?>().ToList()
            : new FaceLandmarks?[faces.Count];
        var located = faces.Select((f, i) => new LocatedFace(f.Box, f.Score, landmarks[i])).ToList();
        var embeddings = embedder.Embed(bgrImage, located);
        return located.Select((f, i) => new Face(f.Box, f.Score, f.Landmarks, embeddings[i])).ToList();
    }

    /// <summary>The whole image as one face, without detection (the seed's img_path_to_encoding).</summary>
    public Face AnalyzeWholeImage(Mat bgrImage) =>
        Analyze(bgrImage, [new DetectedFace(new FaceBox(0, 0, bgrImage.Width, bgrImage.Height), 1f)])[0];

    public void Dispose()
    {
        detector.Dispose();
        landmarker?.Dispose();
        embedder.Dispose();
    }
}
