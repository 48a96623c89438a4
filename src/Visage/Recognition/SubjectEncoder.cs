using Visage.Detection;
using Visage.Imaging;
using Visage.Storage;

namespace Visage.Recognition;

/// <summary>
/// Encodes the subject of labelled photos (benchmark pairs, calibration folders): the face nearest the
/// centre; when no face is detected, the central 40% box of the photo, where LFW-style crops put the face,
/// so the pair still counts and the fallback is reported rather than hidden. Photos may be encoded from
/// several threads at once (the cache is used by one at a time).
/// </summary>
internal sealed class SubjectEncoder(FacePipeline pipeline, EmbeddingCache? cache = null, ImageLimits? limits = null)
{
    private readonly Lock _cacheGate = new();

    public SubjectEncoding Encode(string path)
    {
        var file = ImageReader.ReadFileAsync(path, limits ?? ImageLimits.Default, CancellationToken.None)
            .GetAwaiter().GetResult();
        var key = pipeline.Fingerprint.Id;
        (float[] Embedding, string How)? hit;
        lock (_cacheGate) hit = cache?.Get(key, file.Sha256);
        if (hit is { } cached && Enum.TryParse<SubjectSource>(cached.How, out var how))
            return new SubjectEncoding(path, cached.Embedding, how);

        using var image = ImageReader.Decode(file, limits);
        var (face, source) = FindSubject(image);
        lock (_cacheGate) cache?.Put(key, file.Sha256, face.Embedding, source.ToString());
        return new SubjectEncoding(path, face.Embedding, source);
    }

    /// <summary>
    /// Encodes every photo on <paramref name="workers"/> threads (decoding included); the results, and the
    /// error when a photo cannot be read, are those of encoding them one after the other.
    /// </summary>
    public IReadOnlyList<SubjectEncoding> EncodeAll(IReadOnlyList<string> paths, int workers = 1,
        IProgress<(int Done, int Total)>? progress = null, CancellationToken ct = default) =>
        OrderedParallel.Map(paths, workers, Encode, progress, ct);

    /// <summary>The subject's face of a photo, and whether it was detected or the central box stood in.</summary>
    public (Face Face, SubjectSource Source) FindSubject(FaceImage image)
    {
        var faces = pipeline.Analyze(image.Pixels);
        if (faces.Count > 0)
            return (FaceSelection.MostCentral(faces, image.Width, image.Height), SubjectSource.Detected);
        var box = new FaceBox(image.Width * 0.3f, image.Height * 0.3f, image.Width * 0.4f, image.Height * 0.4f);
        return (pipeline.Analyze(image.Pixels, [new DetectedFace(box, 0)])[0], SubjectSource.CentralBox);
    }
}
