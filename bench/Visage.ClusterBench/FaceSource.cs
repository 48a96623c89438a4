using Visage.Imaging;
using Visage.Recognition;
using Visage.Storage;

namespace Visage.ClusterBench;

/// <summary>Encodes photos with the pipeline, through the encoding cache, so a second run runs no network.</summary>
internal sealed class FaceSource(FacePipeline pipeline, EmbeddingCache cache)
{
    private readonly SubjectEncoder _subjects = new(pipeline, cache);

    public int Analysed { get; private set; }

    /// <summary>
    /// The face a portrait is of, as <c>visage evaluate</c> picks it: the detected face nearest the centre, else
    /// the central box (<see cref="SubjectEncoder"/>).
    /// </summary>
    public (float[] Embedding, bool Detected) Subject(string path)
    {
        var (width, height, faces) = AllFaces(path);
        if (faces.Count == 0) return (_subjects.Encode(path).Embedding, false);
        var subject = faces.MinBy(f =>
        {
            var dx = f.Box.Center.X - width / 2f;
            var dy = f.Box.Center.Y - height / 2f;
            return dx * dx + dy * dy;
        })!;
        return (subject.Embedding, true);
    }

    /// <summary>Every face the detector finds in the photo, and the photo's size.</summary>
    public (int Width, int Height, IReadOnlyList<CachedFace> Faces) AllFaces(string path)
    {
        using var image = ImageReader.Read(path);
        if (cache.GetFaces(pipeline.Fingerprint.Id, image.Sha256) is { } hit) return (image.Width, image.Height, hit);
        var faces = pipeline.Analyze(image.Pixels).Select(f => new CachedFace(f.Box, f.Score, f.Embedding)).ToList();
        cache.PutFaces(pipeline.Fingerprint.Id, image.Sha256, faces);
        Analysed++;
        return (image.Width, image.Height, faces);
    }
}
