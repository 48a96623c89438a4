using Visage.Imaging;
using Visage.Storage;

namespace Visage.Recognition;

/// <summary>
/// Encodes photos and stores them in a gallery. A photo must show exactly one face (or, with <c>largest</c>,
/// its biggest face is taken). Bad photos are reported and the rest go on. Faces are committed in batches of
/// <see cref="BatchSize"/> photos, each batch one transaction: a run that is killed keeps every batch
/// committed before, and a cancelled run also commits the photos it had finished; enrolling the same photos
/// again skips those stored already (by SHA-256, before any network runs), so the next run resumes.
/// </summary>
internal sealed class Enroller(FacePipeline pipeline, ImageLimits? limits = null)
{
    private readonly ImageLimits _limits = limits ?? ImageLimits.Default;

    /// <summary>
    /// Encode each photo whole, without detection, as the seed's database does (img_path_to_encoding):
    /// for folders of tightly cropped faces.
    /// </summary>
    public bool WholeImage { get; init; }

    /// <summary>Photos per transaction.</summary>
    public int BatchSize { get; init; } = 100;

    /// <summary>Store a small JPEG crop of each face (for people to look at).</summary>
    public bool KeepCrops { get; init; } = true;

    public async Task<EnrollmentReport> EnrollAsync(IGallery gallery, IReadOnlyList<EnrollmentSource> sources,
        bool largest = false, IProgress<EnrollmentProgress>? progress = null, CancellationToken ct = default)
    {
        if (BatchSize < 1)
            throw new InvalidSettingException(VisageSetting.BatchSize, $"a batch holds at least one photo, not {BatchSize}");
        if (gallery.Binding.ModelId != pipeline.ModelId)
            throw new GalleryException(gallery.Location, GalleryProblem.WrongPipeline,
                $"{gallery.Location}: gallery holds encodings of model '{gallery.Binding.ModelId}', not '{pipeline.ModelId}'")
            { BoundModel = gallery.Binding.ModelId };

        var outcomes = new List<EnrollmentOutcome>(sources.Count);
        var pending = new List<(int Index, NewFace Face)>();
        var seenInRun = new Dictionary<string, string>(StringComparer.Ordinal);
        var committed = 0;

        async Task CommitAsync(CancellationToken token)
        {
            if (pending.Count == 0) return;
            var result = await gallery.AddAsync(pending.Select(p => p.Face).ToList(), token);
            foreach (var (face, id) in result.Added)
            {
                var index = pending.First(p => ReferenceEquals(p.Face, face)).Index;
                outcomes[index] = outcomes[index] with { FaceId = id };
            }
            foreach (var (face, enrolledAs) in result.AlreadyEnrolled)
            {
                var index = pending.First(p => ReferenceEquals(p.Face, face)).Index;
                outcomes[index] = outcomes[index] with
                {
                    Status = EnrollmentStatus.AlreadyEnrolled, Message = $"already enrolled as {enrolledAs}",
                };
            }
            pending.Clear();
            committed = outcomes.Count;
        }

        for (var i = 0; i < sources.Count; i++)
        {
            if (ct.IsCancellationRequested)
            {
                // Keep what was finished: those photos are whole, and the next run need not encode them again.
                await CommitAsync(CancellationToken.None);
                throw new EnrollmentCancelledException(new EnrollmentReport(outcomes, sources.Count, Cancelled: true), ct);
            }
            // One photo is short work: it runs to its end, and cancellation is honoured between photos.
            var (outcome, face) = await EncodeAsync(gallery, sources[i], largest, seenInRun, CancellationToken.None);
            outcomes.Add(outcome);
            if (face is not null)
            {
                pending.Add((i, face));
                seenInRun[face.ImageSha256] = face.Identity;
            }
            if ((i + 1) % BatchSize == 0) await CommitAsync(CancellationToken.None);
            progress?.Report(new EnrollmentProgress(i + 1, sources.Count, outcomes[i], committed));
        }
        await CommitAsync(CancellationToken.None);
        return new EnrollmentReport(outcomes, sources.Count);
    }

    private async Task<(EnrollmentOutcome, NewFace?)> EncodeAsync(IGallery gallery, EnrollmentSource source,
        bool largest, Dictionary<string, string> seenInRun, CancellationToken ct)
    {
        if (source.Problem is { } problem)
            return (new EnrollmentOutcome(source, EnrollmentStatus.Failed, problem), null);
        if (!PersonName.TryNormalize(source.Identity, out var identity, out var nameProblem))
            return (new EnrollmentOutcome(source, EnrollmentStatus.Failed, $"{source.Path}: {nameProblem}"), null);
        source = source with { Identity = identity };

        EncodedImage file;
        try
        {
            file = await ImageReader.ReadFileAsync(source.Path, _limits, ct);
        }
        catch (ImageException e)
        {
            return (new EnrollmentOutcome(source, EnrollmentStatus.Failed, e.Message), null);
        }

        var enrolledAs = seenInRun.GetValueOrDefault(file.Sha256) ?? await gallery.FindImageAsync(file.Sha256, ct);
        if (enrolledAs is not null)
            return (new EnrollmentOutcome(source, EnrollmentStatus.AlreadyEnrolled, $"already enrolled as {enrolledAs}"), null);

        FaceImage image;
        try
        {
            image = ImageReader.Decode(file, _limits);
        }
        catch (ImageException e)
        {
            return (new EnrollmentOutcome(source, EnrollmentStatus.Failed, e.Message), null);
        }
        using (image)
        {
            var faces = WholeImage ? [pipeline.AnalyzeWholeImage(image.Pixels)] : pipeline.Analyze(image.Pixels);
            if (faces.Count == 0)
                return (new EnrollmentOutcome(source, EnrollmentStatus.NoFace, $"{source.Path}: no face found", 0), null);
            if (faces.Count > 1 && !largest)
                return (new EnrollmentOutcome(source, EnrollmentStatus.SeveralFaces,
                    $"{source.Path}: {faces.Count} faces found", faces.Count), null);

            var face = FaceSelection.Largest(faces);
            var crop = KeepCrops ? FaceCrop.Encode(image.Pixels, face.Box) : null;
            return (new EnrollmentOutcome(source, EnrollmentStatus.Enrolled, null, faces.Count),
                new NewFace(identity, face.Embedding, Path.GetFullPath(source.Path), file.Sha256, crop));
        }
    }
}
