using Visage.Detection;
using Visage.Recognition;

namespace Visage.Video;

/// <summary>
/// A face in a frame: where it is, who it is (null: unknown), the nearest enrolled identity and its distance
/// (infinite when nobody is enrolled), the detector's score, and the nearest people.
/// </summary>
public sealed record RecognizedFace(FaceBox Box, string? Identity, string? Nearest, float Distance, float Score = 1f,
    IReadOnlyList<IdentityDistance>? Candidates = null)
{
    public bool IsKnown => Identity is not null;

    /// <summary>The face's encoding, when the recogniser kept it (to tell one stranger from another).</summary>
    public float[]? Embedding { get; init; }

    public static RecognizedFace From(Identification id) =>
        new(id.Face.Box, id.Identity, id.Nearest, id.Distance, id.Face.Score, id.Distances.Take(5).ToList())
        {
            Embedding = id.Face.Embedding,
        };
}
