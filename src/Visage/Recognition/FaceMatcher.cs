using Visage.Storage;

namespace Visage.Recognition;

/// <summary>Compares faces with a gallery's enrolled faces: the seed's "who is it", for every face.</summary>
internal sealed class FaceMatcher
{
    private readonly IReadOnlyList<GalleryFace> _enrolled;

    public FaceMatcher(IReadOnlyList<GalleryFace> enrolled)
    {
        _enrolled = enrolled;
    }

    public bool IsEmpty => _enrolled.Count == 0;

    /// <summary>Every identity's distance to the encoding, nearest first (ties by name).</summary>
    public IReadOnlyList<IdentityDistance> DistancesTo(float[] embedding)
    {
        var nearest = new Dictionary<string, float>(StringComparer.Ordinal);
        foreach (var face in _enrolled)
        {
            var distance = FaceDistance.Euclidean(embedding, face.Embedding);
            if (!nearest.TryGetValue(face.Identity, out var best) || distance < best)
                nearest[face.Identity] = distance;
        }
        return nearest
            .Select(kv => new IdentityDistance(kv.Key, kv.Value))
            .OrderBy(d => d.Distance)
            .ThenBy(d => d.Identity, StringComparer.Ordinal)
            .ToList();
    }

    /// <summary>
    /// The nearest person within the threshold; a face that failed its liveness check is nobody (the gate:
    /// never greeted, never let in), though its nearest person and distances are still told.
    /// </summary>
    public Identification Identify(Face face, float threshold)
    {
        return Identification.Decide(face, DistancesTo(face.Embedding), threshold);
    }
}
