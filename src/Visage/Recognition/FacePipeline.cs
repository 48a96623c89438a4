using System.Globalization;
using Microsoft.ML.OnnxRuntime;
using OpenCvSharp;
using Visage.Alignment;
using Visage.Detection;
using Visage.Embedding;
using Visage.Execution;
using Visage.Landmarks;
using Visage.Liveness;
using Visage.Models;

namespace Visage.Recognition;

/// <summary>
/// Detect, locate landmarks, align and embed: the one pipeline every front end shares.
/// Its networks are loaded once and reused; all faces of an image are embedded in one run. Several threads
/// may analyse images with one pipeline at once (load it with one intra-op thread for that, so that each
/// network run stays on its caller's core).
/// </summary>
internal sealed class FacePipeline(
    IFaceDetector detector,
    ILandmarker? landmarker,
    IFaceEmbedder embedder,
    float defaultThreshold,
    PipelineFingerprint fingerprint) : IDisposable
{
    public IFaceDetector Detector => detector;
    public ILandmarker? Landmarker => landmarker;
    public IFaceEmbedder Embedder => embedder;

    public string ModelId => embedder.ModelId;
    public int Dimensions => embedder.Dimensions;

    /// <summary>The threshold of the model: a pack's calibrated one, or the seed's 0.52.</summary>
    public float DefaultThreshold => defaultThreshold;

    /// <summary>What shapes this pipeline's encodings: binds galleries and keys caches.</summary>
    public PipelineFingerprint Fingerprint => fingerprint;

    /// <summary>What a gallery of this pipeline's encodings is bound to.</summary>
    public Storage.GalleryBinding GalleryBinding =>
        new(ModelId, Dimensions, fingerprint.Id, fingerprint.Description);

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
        if (options.Liveness is { } livenessModel)
            await store.EnsureAsync(livenessModel, progress, ct);
        var planner = ExecutionPlanner.ForHome(store.Home, options.Tuning, options.IntraOpThreads,
            progress is null ? null : new PlanningProgress(pack.Id, progress), options.Runners);

        var owned = new List<IDisposable>();
        try
        {
            IFaceDetector loadedDetector = options.Detector switch
            {
                DetectorKind.Haar => new HaarFaceDetector(),
                DetectorKind.BlazeFace => new BlazeFaceDetector(
                    planner.Load(OnnxModel.FromFile(store.FilePath(ModelCatalog.BlazeFaceBack)), BlazeFaceDetector.Tuning, ct),
                    options.DetectionThreshold, options.NmsIouThreshold, BlazeFaceBoxScale, BlazeFaceBoxShift),
                _ when pack.BlazeFace is { } boxes => new BlazeFaceDetector(
                    planner.Load(OnnxModel.FromFile(store.FilePath(pack.Detector)), BlazeFaceDetector.Tuning, ct),
                    options.DetectionThreshold, options.NmsIouThreshold, boxes.Scale, boxes.Shift),
                _ => LoadUltraFace(OnnxModel.FromFile(store.FilePath(pack.Detector)), pack, store, planner, options, ct),
            };
            owned.Add(loadedDetector);
            ILivenessScorer? liveness = null;
            if (options.Liveness is { } gate)
            {
                liveness = await LivenessScorers.LoadAsync(gate, store, planner, ct: ct);
                owned.Add(liveness);
            }
            var livenessThreshold = options.LivenessThreshold ?? options.Liveness?.Threshold ?? 0f;
            var detectorFile = options.Detector == DetectorKind.BlazeFace ? ModelCatalog.BlazeFaceBack : pack.Detector;
            var detectorText = options.Detector switch
            {
                DetectorKind.Haar => "the Haar cascade (scale 1.3, 5 neighbours, 50 px margin)",
                DetectorKind.BlazeFace => string.Create(CultureInfo.InvariantCulture,
                    $"{detectorFile.FileName} (score >= {options.DetectionThreshold:0.###}, NMS IoU {options.NmsIouThreshold:0.###}, " +
                    $"box x{BlazeFaceBoxScale:0.###} moved {BlazeFaceBoxShift:0.###} of its height)"),
                _ when pack.BlazeFace is { } boxes => string.Create(CultureInfo.InvariantCulture,
                    $"{detectorFile.FileName} (score >= {options.DetectionThreshold:0.###}, NMS IoU {options.NmsIouThreshold:0.###}, " +
                    $"box x{boxes.Scale:0.###} moved {boxes.Shift:0.###} of its height)"),
                _ => string.Create(CultureInfo.InvariantCulture,
                    $"{detectorFile.FileName} (score >= {options.DetectionThreshold:0.###}, NMS IoU {options.NmsIouThreshold:0.###}") +
                    (options.DetectorInput == DetectorInput.Fitted
                        ? $", input fitted to the photo within 320x240 pixels, sides multiples of {UltraFaceDetector.FittedMultiple})"
                        : ")"),
            };
            var detectorParts = options.Detector == DetectorKind.Haar ? [] :
                options.Detector == DetectorKind.Pack && pack.Int8Detector is { } q ? new[] { Pinned(detectorFile), Int8Text(q) } : new[] { Pinned(detectorFile) };

            if (model is ModelChoice.Seed seed)
            {
                var (seedModel, weights) = SeedEmbedder.Build(seed.WeightsFolder);
                var seedEmbedder = new SeedEmbedder(planner.Load(seedModel, SeedEmbedder.Tuning, ct), weights);
                owned.Add(seedEmbedder);
                return new FacePipeline(loadedDetector, null, seedEmbedder, ModelChoice.SeedThreshold,
                    PipelineFingerprint.Create(seedEmbedder.ModelId, detectorText,
                        [.. detectorParts, "the box cropped as it is, 96x96 RGB / 255"]))
                    { Plans = planner.Choices, Gate = LoadedGate(liveness, livenessThreshold) };
            }

            ILandmarker loadedLandmarker = pack.LandmarkerKind switch
            {
                LandmarkerKind.FaceMesh => new FaceMeshLandmarker(
                    planner.Load(Int8(FaceMeshLandmarker.LoadModel(store.FilePath(pack.Landmarks)), pack.Int8Landmarks, store),
                        Tuned(FaceMeshLandmarker.Tuning, pack.Int8Landmarks), ct)),
                _ => new Landmark68Model(
                    planner.Load(Int8(Landmark68Model.LoadModel(store.FilePath(pack.Landmarks)), pack.Int8Landmarks, store),
                        Tuned(Landmark68Model.Tuning, pack.Int8Landmarks), ct)),
            };
            owned.Add(loadedLandmarker);
            var parts = new List<(IFaceEmbedder, float)>();
            foreach (var part in pack.Embedders)
            {
                var embedder = LoadEmbedder(part, pack, store, planner, ct);
                owned.Add(embedder);
                parts.Add((embedder, part.Weight));
            }
            IFaceEmbedder loadedEmbedder = parts.Count == 1 ? parts[0].Item1 : new FusedEmbedder(parts, pack.Id);
            // An int8 network is named by its own bytes: they follow from the float network, the shipped ranges,
            // the quantiser's version and its settings, any of which changes the encodings.
            var quantisedParts = planner.Choices.Where(c => Models.Quantised.QuantisedNetworks.IsQuantised(c.Model))
                .Select(c => $"int8 network {c.Model.Name} sha256 {c.Model.Sha256}");
            var fingerprint = PipelineFingerprint.Create(pack.Id, detectorText,
                [.. detectorParts, .. LandmarkParts(pack), .. pack.Embedders.Select(e => Describe(e, store)), .. quantisedParts]);
            return new FacePipeline(loadedDetector, loadedLandmarker, loadedEmbedder, pack.DefaultThreshold, fingerprint)
            {
                Plans = planner.Choices, Gate = LoadedGate(liveness, livenessThreshold),
                UsesDetectorKeypoints = pack.LandmarkerKind == LandmarkerKind.DetectorKeypoints && options.Detector == DetectorKind.Pack,
            };
        }
        catch (Exception e)
        {
            foreach (var resource in owned) resource.Dispose();
            if (e is OnnxRuntimeException)
                throw new ModelException(pack.Id, ModelProblem.Damaged,
                    $"model pack '{pack.Id}' could not be loaded from {store.Home.ModelsFolder} " +
                    $"({e.Message.Split('\n')[0]}); its files are damaged", e);
            throw;
        }
    }

    // BlazeFace's boxes moved and grown to the place and size of UltraFace's, for which the landmarkers
    // crop: the medians over the first photo of the first 60 people of LFW, where both found the face
    // (UltraFace's box 1.256 times as tall, its centre 0.118 of BlazeFace's height higher).
    internal const float BlazeFaceBoxScale = 1.256f;
    internal const float BlazeFaceBoxShift = -0.118f;

    /// <summary>The landmark network's files; a kind other than the 68-point network is named (older fingerprints stay).</summary>
    private static IEnumerable<string> LandmarkParts(ModelPack pack)
    {
        IEnumerable<string> parts = pack.LandmarkerKind == LandmarkerKind.Points68
            ? [Pinned(pack.Landmarks)]
            : pack.LandmarkerKind == LandmarkerKind.DetectorKeypoints
            ? ["landmarks the detector's keypoints (eyes, nose tip, mouth centre for both corners)", Pinned(pack.Landmarks)]
            : [$"landmarks {pack.LandmarkerKind}", Pinned(pack.Landmarks), .. (pack.LandmarkFiles ?? []).Select(Pinned)];
        return pack.Int8Landmarks is { } q ? parts.Append(Int8Text(q)) : parts;
    }

    /// <summary>What a quantised network adds to a fingerprint: the quantiser and its settings shape the encodings.</summary>
    private static string Int8Text(Models.Quantised.QuantiserSettings settings) => $"quantised {settings.Describe()}";

    /// <summary>UltraFace cut at its heads (the graph's decode done in C#), planned as a network of its own.</summary>
    private static UltraFaceDetector LoadUltraFace(OnnxModel graph, ModelPack pack, ModelStore store, ExecutionPlanner planner,
        PipelineOptions options, CancellationToken ct)
    {
        var (heads, anchors) = UltraFaceGraph.Cut(graph, freeSize: options.DetectorInput == DetectorInput.Fitted);
        return new UltraFaceDetector(
            planner.Load(Int8(heads, pack.Int8Detector, store), Tuned(UltraFaceDetector.Tuning, pack.Int8Detector), ct),
            anchors, graph, options.DetectionThreshold, options.NmsIouThreshold, options.DetectorInput);
    }

    /// <summary>The network itself, or its int8 form (made from it once and cached).</summary>
    private static OnnxModel Int8(OnnxModel model, Models.Quantised.QuantiserSettings? settings, ModelStore store) =>
        settings is null ? model : Models.Quantised.QuantisedNetworks.Load(model, store.Home, settings);

    /// <summary>An int8 network's plans are checked against its reference within quantisation's rounding, not float's.</summary>
    private static TuningRequest Tuned(TuningRequest request, Models.Quantised.QuantiserSettings? quantised) =>
        quantised is null ? request : request with { Quantised = true };

    private static string Pinned(ModelFile file) =>
        $"{file.Package.Spec} sha512-{file.Package.Sha512Base64} {file.PathInPackage}";

    private static string Describe(PackEmbedder part, ModelStore store) => string.Create(CultureInfo.InvariantCulture,
        $"embedder {part.Kind} {part.Dimensions}-d weight {part.Weight:R} flip {part.FlipAverage} " +
        $"input {part.Network} files {string.Join(", ", part.Files.Select(Pinned))}") +
        (part.Kind == EmbedderKind.FivePoint ? OnnxModels.ConversionNote(store.FilePath(part.Files[0])) : "") +
        (part.Int8 is { } q ? $" {Int8Text(q)}" : "");

    private static IFaceEmbedder LoadEmbedder(PackEmbedder part, ModelPack pack, ModelStore store,
        ExecutionPlanner planner, CancellationToken ct)
    {
        switch (part.Kind)
        {
            case EmbedderKind.FivePoint:
                var spec = part.Network
                           ?? throw new InvalidOperationException($"pack {pack.Id}: a five-point embedder needs its input spec");
                var network = planner.Load(Int8(EmbeddingNetwork.LoadModel(store.FilePath(part.Files[0]), spec), part.Int8, store),
                    Tuned(EmbeddingNetwork.Tuning(spec), part.Int8), ct);
                return new FivePointEmbedder(pack.Id, new EmbeddingNetwork(network, spec),
                    AlignmentTemplate.ArcFace112.Resized(spec.InputSize, spec.TemplateScale), part.FlipAverage);
            case EmbedderKind.DlibChip:
                var folder = Path.GetDirectoryName(store.FilePath(part.Files[0]))!;
                return new DlibChipEmbedder(planner.Load(Int8(DlibChipEmbedder.LoadModel(folder), part.Int8, store),
                        Tuned(DlibChipEmbedder.Tuning, part.Int8), ct),
                    part.FlipAverage);
            default:
                throw new InvalidOperationException($"pack {pack.Id}: unknown embedder kind {part.Kind}");
        }
    }

    /// <summary>A loaded liveness network and the score a face needs to pass it.</summary>
    /// <param name="ByDefault">Loaded with the pipeline's options (every face found is checked unless a caller says
    /// otherwise), rather than attached later for the callers that ask (<see cref="AttachLivenessAsync"/>).</param>
    internal sealed record LivenessGate(ILivenessScorer Scorer, float Threshold, bool ByDefault);

    private static LivenessGate? LoadedGate(ILivenessScorer? scorer, float threshold) =>
        scorer is null ? null : new LivenessGate(scorer, threshold, ByDefault: true);

    private volatile LivenessGate? _gate;
    private readonly SemaphoreSlim _attaching = new(1, 1);

    /// <summary>The liveness network and its threshold, once loaded (it does not shape encodings: not in the fingerprint).</summary>
    internal LivenessGate? Gate { get => _gate; private init => _gate = value; }

    /// <summary>The liveness network, when the options asked for one or one was attached since.</summary>
    internal ILivenessScorer? Liveness => _gate?.Scorer;

    /// <summary>The score a face needs to pass the liveness check.</summary>
    internal float LivenessThreshold => _gate?.Threshold ?? 0f;

    /// <summary>
    /// Loads <paramref name="model"/> into a running pipeline that has no liveness network yet, for callers that
    /// ask for a check (faces found by others stay unchecked); threads analysing images meanwhile are not held up.
    /// False when one was loaded already (the same model; another is an <see cref="InvalidSettingException"/>).
    /// </summary>
    internal async Task<bool> AttachLivenessAsync(LivenessModel model, float? threshold, ModelStore store,
        ExecutionTuning tuning, int? threads, IProgress<FetchProgress>? progress = null, CancellationToken ct = default)
    {
        await _attaching.WaitAsync(ct).ConfigureAwait(false);
        try
        {
            if (_gate is { } loaded)
            {
                if (!string.Equals(loaded.Scorer.ModelId, model.Id, StringComparison.OrdinalIgnoreCase))
                    throw new InvalidSettingException(VisageSetting.Liveness,
                        $"this recognizer checks liveness with {loaded.Scorer.ModelId} already, not {model.Id}");
                return false;
            }
            var planner = ExecutionPlanner.ForHome(store.Home, tuning, threads);
            var scorer = await LivenessScorers.LoadAsync(model, store, planner, progress, ct).ConfigureAwait(false);
            _gate = new LivenessGate(scorer, threshold ?? model.Threshold, ByDefault: false);
            return true;
        }
        finally
        {
            _attaching.Release();
        }
    }

    /// <summary>The faces with their liveness checks (all of an image's faces in one run); unchanged without a liveness network.</summary>
    public IReadOnlyList<Face> CheckLiveness(Mat bgrImage, IReadOnlyList<Face> faces)
    {
        if (_gate is not { } gate || faces.Count == 0) return faces;
        var scores = gate.Scorer.Score(bgrImage, faces.Select(f => f.Box).ToList());
        return faces.Select((f, i) => f with { Liveness = new LivenessCheck(scores[i], gate.Threshold) }).ToList();
    }

    /// <summary>How each network runs on this machine (the execution plan chosen for it), in load order.</summary>
    internal IReadOnlyList<NetworkPlanChoice> Plans { get; private init; } = [];

    /// <summary>The most threads one network run takes (every core for a plan that lets the runtime decide).</summary>
    internal int ThreadsPerRun =>
        Plans.Select(p => p.Plan.Threads <= 0 ? Environment.ProcessorCount : p.Plan.Threads).DefaultIfEmpty(1).Max();

    /// <summary>
    /// Photos to work on at once in bulk work so that every core is busy and none is oversubscribed: one per
    /// core when each network run takes one thread.
    /// </summary>
    internal int BulkWorkers => Math.Max(1, Environment.ProcessorCount / ThreadsPerRun);

    public IReadOnlyList<DetectedFace> Detect(Mat bgrImage) => detector.Detect(bgrImage);

    /// <summary>Every face in the image, each with its landmarks and encoding.</summary>
    public IReadOnlyList<Face> Analyze(Mat bgrImage) => Analyze(bgrImage, Detect(bgrImage));

    /// <summary>
    /// Whether detected faces are aligned on the detector's own keypoints (no landmark network runs for them;
    /// the landmark network still serves faces given without keypoints).
    /// </summary>
    internal bool UsesDetectorKeypoints { get; private init; }

    /// <summary>Landmarks and encodings for faces found elsewhere (another detector, a fixed box).</summary>
    public IReadOnlyList<Face> Analyze(Mat bgrImage, IReadOnlyList<DetectedFace> faces)
    {
        if (faces.Count == 0) return [];
        var landmarks = embedder.UsesLandmarks ? Locate(bgrImage, faces) : new FaceLandmarks?[faces.Count];
        var located = faces.Select((f, i) => new LocatedFace(f.Box, f.Score, landmarks[i])).ToList();
        var embeddings = embedder.Embed(bgrImage, located);
        return located.Select((f, i) => new Face(f.Box, f.Score, f.Landmarks, embeddings[i])).ToList();
    }

    /// <summary>
    /// The landmarks of each face: the detector's keypoints where the pack aligns on them, the landmark network's
    /// for the others (all of those in one run).
    /// </summary>
    internal IReadOnlyList<FaceLandmarks?> Locate(Mat bgrImage, IReadOnlyList<DetectedFace> faces)
    {
        var landmarks = new FaceLandmarks?[faces.Count];
        var needed = new List<int>();
        for (var i = 0; i < faces.Count; i++)
        {
            if (UsesDetectorKeypoints && faces[i].Keypoints is { Count: >= FaceLandmarks.KeypointCount } k)
                landmarks[i] = FaceLandmarks.FromKeypoints(k[0], k[1], k[2], k[3]);
            else
                needed.Add(i);
        }
        if (needed.Count == 0) return landmarks;
        var located = (landmarker ?? throw new InvalidOperationException($"embedder {ModelId} needs a landmarker"))
            .Locate(bgrImage, needed.Select(i => faces[i].Box).ToList());
        for (var n = 0; n < needed.Count; n++) landmarks[needed[n]] = located[n];
        return landmarks;
    }

    /// <summary>The whole image as one face, without detection (the seed's img_path_to_encoding).</summary>
    public Face AnalyzeWholeImage(Mat bgrImage) =>
        Analyze(bgrImage, [new DetectedFace(new FaceBox(0, 0, bgrImage.Width, bgrImage.Height), 1f)])[0];

    public void Dispose()
    {
        detector.Dispose();
        landmarker?.Dispose();
        embedder.Dispose();
        _gate?.Scorer.Dispose();
        _attaching.Dispose();
    }

    /// <summary>Planning steps as load progress, reported on the caller's thread and in order.</summary>
    private sealed class PlanningProgress(string packId, IProgress<FetchProgress> progress) : IProgress<PlanningStep>
    {
        public void Report(PlanningStep value) => progress.Report(new FetchProgress(packId, value.Text, value.Detail));
    }
}
