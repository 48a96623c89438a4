using Visage.Imaging;
using Visage.Storage;

namespace Visage.Recognition;

/// <summary>
/// Encodes photos and stores them in a gallery. A photo must show exactly one face (or, with <c>largest</c>,
/// its biggest face is taken). Bad photos are reported and the rest go on. Faces are committed in batches of
/// <see cref="BatchSize"/> photos, each batch one transaction: a run that is killed keeps every batch
/// committed before, and a cancelled run also commits the photos it had finished; enrolling the same photos
/// again skips those stored already (by SHA-256, before any network runs), so the next run resumes. With
/// several <see cref="Workers"/>, photos are decoded and analysed side by side; outcomes, what is stored and
/// in which order are those of enrolling them one by one.
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

    /// <summary>Photos decoded and analysed at once (one per core when each network run takes one thread).</summary>
    public int Workers { get; init; } = 1;

    /// <summary>Store a small JPEG crop of each face (for people to look at).</summary>
    public bool KeepCrops { get; init; } = true;

    public async Task<EnrollmentReport> EnrollAsync(IGallery gallery, IReadOnlyList<EnrollmentSource> sources,
        bool largest = false, IProgress<EnrollmentProgress>? progress = null, CancellationToken ct = default)
    {
        if (Workers < 1)
            throw new ArgumentOutOfRangeException(nameof(Workers), Workers, "enrolment needs at least one worker");
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

        // Photos are looked at a few per worker at a time: read and hashed on every core, checked against the
        // gallery one query at a time, decoded and analysed on every core, then decided in order as one by one.
        var window = Math.Max(1, Workers * 4);
        for (var start = 0; start < sources.Count; start += window)
        {
            if (ct.IsCancellationRequested)
            {
                // Keep what was finished: those photos are whole, and the next run need not encode them again.
                await CommitAsync(CancellationToken.None);
                throw new EnrollmentCancelledException(new EnrollmentReport(outcomes, sources.Count, Cancelled: true), ct);
            }
            var slice = sources.Skip(start).Take(window).ToList();
            var read = OrderedParallel.Map(slice, Workers, Read);
            var enrolledAs = new string?[slice.Count];
            for (var k = 0; k < slice.Count; k++)
                if (read[k].File is { } file && !seenInRun.ContainsKey(file.Sha256))
                    enrolledAs[k] = await gallery.FindImageAsync(file.Sha256, CancellationToken.None);
            var toAnalyse = Enumerable.Range(0, slice.Count)
                .Where(k => read[k].File is { } file && enrolledAs[k] is null && !seenInRun.ContainsKey(file.Sha256))
                .ToList();
            // One photo is short work: it runs to its end, and cancellation is honoured between photos.
            var analysed = OrderedParallel.MapPrefix(toAnalyse, Workers, k => Analyse(read[k], largest), ct);
            var results = new Dictionary<int, (EnrollmentOutcome, NewFace?)>();
            for (var a = 0; a < analysed.Count; a++) results[toAnalyse[a]] = analysed[a];
            var decided = analysed.Count < toAnalyse.Count ? toAnalyse[analysed.Count] : slice.Count;

            for (var k = 0; k < decided; k++)
            {
                if (ct.IsCancellationRequested)
                {
                    decided = k;
                    break;
                }
                var i = start + k;
                var (outcome, face) = Decide(read[k], enrolledAs[k], seenInRun, results.GetValueOrDefault(k));
                outcomes.Add(outcome);
                if (face is not null)
                {
                    pending.Add((i, face));
                    seenInRun[face.ImageSha256] = face.Identity;
                }
                if ((i + 1) % BatchSize == 0) await CommitAsync(CancellationToken.None);
                progress?.Report(new EnrollmentProgress(i + 1, sources.Count, outcomes[i], committed));
            }
            if (decided < slice.Count)
            {
                await CommitAsync(CancellationToken.None);
                throw new EnrollmentCancelledException(new EnrollmentReport(outcomes, sources.Count, Cancelled: true), ct);
            }
        }
        await CommitAsync(CancellationToken.None);
        return new EnrollmentReport(outcomes, sources.Count);
    }

    /// <summary>A photo read and hashed, or the outcome that ends it there (bad name, unreadable file).</summary>
    private sealed record ReadPhoto(EnrollmentSource Source, EncodedImage? File, EnrollmentOutcome? Failure);

    private ReadPhoto Read(EnrollmentSource source)
    {
        if (source.Problem is { } problem)
            return new ReadPhoto(source, null, new EnrollmentOutcome(source, EnrollmentStatus.Failed, problem));
        if (!PersonName.TryNormalize(source.Identity, out var identity, out var nameProblem))
            return new ReadPhoto(source, null,
                new EnrollmentOutcome(source, EnrollmentStatus.Failed, $"{source.Path}: {nameProblem}"));
        source = source with { Identity = identity };
        try
        {
            return new ReadPhoto(source, ImageReader.ReadFileAsync(source.Path, _limits, CancellationToken.None)
                .GetAwaiter().GetResult(), null);
        }
        catch (ImageException e)
        {
            return new ReadPhoto(source, null, new EnrollmentOutcome(source, EnrollmentStatus.Failed, e.Message));
        }
    }

    /// <summary>What enrolling the photo one by one would give, from what was found out about it.</summary>
    private static (EnrollmentOutcome, NewFace?) Decide(ReadPhoto photo, string? inGallery,
        Dictionary<string, string> seenInRun, (EnrollmentOutcome, NewFace?) analysed)
    {
        if (photo.Failure is { } failure) return (failure, null);
        var enrolledAs = seenInRun.GetValueOrDefault(photo.File!.Sha256) ?? inGallery;
        if (enrolledAs is not null)
            return (new EnrollmentOutcome(photo.Source, EnrollmentStatus.AlreadyEnrolled, $"already enrolled as {enrolledAs}"), null);
        return analysed;
    }

    /// <summary>Decodes the photo and finds its face: the part of enrolment that runs on every core.</summary>
    private (EnrollmentOutcome, NewFace?) Analyse(ReadPhoto photo, bool largest)
    {
        var (source, file) = (photo.Source, photo.File!);
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
                new NewFace(source.Identity, face.Embedding, Path.GetFullPath(source.Path), file.Sha256, crop));
        }
    }
}
