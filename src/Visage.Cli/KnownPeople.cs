using Visage.Imaging;
using Visage.Recognition;
using Visage.Storage;

namespace Visage.Cli;

/// <summary>
/// The people a command recognises (identify, watch): a gallery from --db, or a folder from --known enrolled
/// once into the cache; its faces; and the threshold to use: an explicit --threshold, else the gallery's
/// calibrated one, else the model's.
/// </summary>
internal sealed class KnownPeople : IDisposable
{
    private KnownPeople(IGallery gallery, IReadOnlyList<GalleryFace> faces, float threshold)
    {
        Gallery = gallery;
        Faces = faces;
        Threshold = threshold;
    }

    public IGallery Gallery { get; }
    public IReadOnlyList<GalleryFace> Faces { get; }
    public float Threshold { get; }

    public FaceMatcher Matcher() => new(Faces);

    public static async Task<KnownPeople> OpenAsync(CliRun run, FacePipeline pipeline, ImageLimits limits,
        string? knownFolder, string db, CancellationToken ct)
    {
        var gallery = await OpenGalleryAsync(run, pipeline, limits, knownFolder, db, ct);
        try
        {
            var faces = await gallery.GetFacesAsync(ct);
            if (faces.Count == 0)
                throw new VisageException($"{gallery.Location}: nobody is enrolled in this gallery yet");
            var calibrated = await gallery.GetThresholdAsync(ct);
            var threshold = CommonOptions.ThresholdOrDefault(run.Result, calibrated?.Value ?? pipeline.DefaultThreshold);
            return new KnownPeople(gallery, faces, threshold);
        }
        catch
        {
            gallery.Dispose();
            throw;
        }
    }

    private static async Task<IGallery> OpenGalleryAsync(CliRun run, FacePipeline pipeline, ImageLimits limits,
        string? knownFolder, string db, CancellationToken ct)
    {
        if (knownFolder is null)
            return await SqliteGallery.OpenAsync(db, pipeline.ModelId, pipeline.Dimensions, GalleryOpenMode.MustExist, ct);

        var galleries = new KnownFolderGalleries(run.Home);
        var (gallery, report) = await run.WithStatusAsync($"looking at the people in {knownFolder}",
            _ => galleries.OpenAsync(knownFolder, pipeline, new Enroller(pipeline, limits), ct: ct));
        if (report is not null)
        {
            run.Info($"enrolled {report.Enrolled} photos of {knownFolder} (cached until the folder changes)");
            foreach (var outcome in report.Outcomes.Where(o => o.Status is not EnrollmentStatus.Enrolled))
                run.Warn($"skipped {outcome.Message}");
        }
        return gallery;
    }

    public void Dispose() => Gallery.Dispose();
}
