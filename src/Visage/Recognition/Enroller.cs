using Visage.Imaging;
using Visage.Storage;

namespace Visage.Recognition;

/// <summary>
/// Encodes photos and stores them in a gallery. A photo must show exactly one face (or, with
/// <c>largest</c>, its biggest face is taken). Bad photos are reported and the rest go on; everything
/// found is written in one transaction at the end, so an interrupted run stores nothing.
/// </summary>
public sealed class Enroller(FacePipeline pipeline, ImageLimits? limits = null)
{
    /// <summary>
    /// Encode each photo whole, without detection, as the seed's database does (img_path_to_encoding):
    /// for folders of tightly cropped faces.
    /// </summary>
    public bool WholeImage { get; init; }

    public async Task<EnrollmentReport> EnrollAsync(IGallery gallery, IReadOnlyList<EnrollmentSource> sources,
        bool largest = false, IProgress<EnrollmentProgress>? progress = null, CancellationToken ct = default)
    {
        if (gallery.ModelId != pipeline.ModelId)
            throw new VisageException(
                $"{gallery.Location}: gallery holds encodings of model '{gallery.ModelId}', not '{pipeline.ModelId}'");

        var outcomes = new EnrollmentOutcome?[sources.Count];
        var pending = new List<(int Index, NewFace Face)>();
        var seenInRun = new Dictionary<string, string>(StringComparer.Ordinal);
        for (var i = 0; i < sources.Count; i++)
        {
            ct.ThrowIfCancellationRequested();
            var source = sources[i];
            var (outcome, face) = await EncodeAsync(gallery, source, largest, seenInRun, ct);
            if (face is not null)
            {
                pending.Add((i, face));
                seenInRun[face.ImageSha256] = face.Identity;
            }
            outcomes[i] = outcome;
            progress?.Report(new EnrollmentProgress(i + 1, sources.Count, outcome));
        }

        var result = await gallery.AddAsync(pending.Select(p => p.Face).ToList(), ct);
        foreach (var (face, enrolledAs) in result.AlreadyEnrolled)
        {
            var index = pending.First(p => ReferenceEquals(p.Face, face)).Index;
            outcomes[index] = new EnrollmentOutcome(sources[index], EnrollmentStatus.AlreadyEnrolled,
                $"already enrolled as {enrolledAs}");
        }
        return new EnrollmentReport(outcomes.Select(o => o!).ToList());
    }

    private async Task<(EnrollmentOutcome, NewFace?)> EncodeAsync(IGallery gallery, EnrollmentSource source,
        bool largest, Dictionary<string, string> seenInRun, CancellationToken ct)
    {
        FaceImage image;
        try
        {
            image = await ImageReader.ReadAsync(source.Path, limits, ct);
        }
        catch (VisageException e)
        {
            return (new EnrollmentOutcome(source, EnrollmentStatus.Failed, e.Message), null);
        }

        using (image)
        {
            var enrolledAs = seenInRun.GetValueOrDefault(image.Sha256)
                             ?? await gallery.FindImageAsync(image.Sha256, ct);
            if (enrolledAs is not null)
                return (new EnrollmentOutcome(source, EnrollmentStatus.AlreadyEnrolled,
                    $"already enrolled as {enrolledAs}"), null);

            var faces = WholeImage ? [pipeline.AnalyzeWholeImage(image.Pixels)] : pipeline.Analyze(image.Pixels);
            if (faces.Count == 0)
                return (new EnrollmentOutcome(source, EnrollmentStatus.NoFace, $"{source.Path}: no face found"), null);
            if (faces.Count > 1 && !largest)
                return (new EnrollmentOutcome(source, EnrollmentStatus.SeveralFaces,
                    $"{source.Path}: {faces.Count} faces found (use --largest to take the biggest)"), null);

            var face = FaceSelection.Largest(faces);
            return (new EnrollmentOutcome(source, EnrollmentStatus.Enrolled),
                new NewFace(source.Identity, face.Embedding, Path.GetFullPath(source.Path), image.Sha256));
        }
    }
}
