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
public sealed class FacePipeline(IFaceDetector detector, ILandmarker landmarker, IFaceEmbedder embedder)
    : IDisposable
{
    public IFaceDetector Detector => detector;
    public ILandmarker Landmarker => landmarker;
    public IFaceEmbedder Embedder => embedder;

    public string ModelId => embedder.ModelId;
    public int Dimensions => embedder.Dimensions;

    /// <summary>Fetches the pack if needed and loads its networks.</summary>
    public static async Task<FacePipeline> LoadAsync(ModelPack pack, ModelStore store,
        PipelineOptions? options = null, IProgress<FetchProgress>? progress = null, CancellationToken ct = default)
    {
        options ??= new PipelineOptions();
        await store.EnsureAsync(pack, progress, ct);
        var session = new SessionOptions { InterOpNumThreads = 1 };
        if (options.IntraOpThreads is { } threads) session.IntraOpNumThreads = threads;

        IFaceDetector? loadedDetector = null;
        ILandmarker? loadedLandmarker = null;
        try
        {
            loadedDetector = new UltraFaceDetector(store.FilePath(pack, pack.DetectorFile),
                options.DetectionThreshold, options.NmsIouThreshold, session);
            loadedLandmarker = new Landmark68Model(store.FilePath(pack, pack.LandmarkFile), session);
            var network = new EmbeddingNetwork(store.FilePath(pack, pack.Embedder.File), pack.Embedder, session);
            var loadedEmbedder = new FivePointEmbedder(pack.Id, network, AlignmentTemplate.ArcFace112);
            return new FacePipeline(loadedDetector, loadedLandmarker, loadedEmbedder);
        }
        catch (OnnxRuntimeException e)
        {
            loadedDetector?.Dispose();
            loadedLandmarker?.Dispose();
            throw new VisageException(
                $"model pack '{pack.Id}' in {store.PackFolder(pack)} could not be loaded ({e.Message.Split('\n')[0]}); " +
                "delete that folder and run 'visage models fetch'", e);
        }
    }

    public IReadOnlyList<DetectedFace> Detect(Mat bgrImage) => detector.Detect(bgrImage);

    /// <summary>Every face in the image, each with its landmarks and encoding.</summary>
    public IReadOnlyList<Face> Analyze(Mat bgrImage) => Analyze(bgrImage, Detect(bgrImage));

    /// <summary>Landmarks and encodings for faces found elsewhere (another detector, a fixed box).</summary>
    public IReadOnlyList<Face> Analyze(Mat bgrImage, IReadOnlyList<DetectedFace> faces)
    {
        if (faces.Count == 0) return [];
        var landmarks = landmarker.Locate(bgrImage, faces.Select(f => f.Box).ToList());
        var located = faces.Select((f, i) => new LocatedFace(f.Box, f.Score, landmarks[i])).ToList();
        var embeddings = embedder.Embed(bgrImage, located);
        return located.Select((f, i) => new Face(f.Box, f.Score, f.Landmarks, embeddings[i])).ToList();
    }

    public void Dispose()
    {
        detector.Dispose();
        landmarker.Dispose();
        embedder.Dispose();
    }
}
