using Visage.Detection;
using Visage.Liveness;
using Visage.Recognition;

namespace Visage.Video;

/// <summary>
/// A face in a frame: where it is, who it is (null: unknown), the nearest enrolled identity and its distance
/// (infinite when nobody is enrolled), the detector's score, the nearest people, and its liveness check when
/// the watch asked for one (a face that fails it is never known, so never greeted).
/// </summary>
public sealed record RecognizedFace(FaceBox Box, string? Identity, string? Nearest, float Distance, float Score = 1f,
    IReadOnlyList<IdentityDistance>? Candidates = null, LivenessCheck? Liveness = null)
{
    public bool IsKnown => Identity is not null;

    /// <summary>The face's encoding, when the recogniser kept it (to tell one stranger from another).</summary>
    public float[]? Embedding { get; init; }

    public static RecognizedFace From(Identification id) =>
        new(id.Face.Box, id.Identity, id.Nearest, id.Distance, id.Face.Score, id.Distances.Take(5).ToList(), id.Face.Liveness)
        {
            Embedding = id.Face.Embedding,
        };
}
