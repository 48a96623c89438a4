namespace Visage.Recognition;

/// <summary>
/// Who a face is: the nearest identity and its distance; <see cref="Identity"/> is null (unknown) when that
/// distance is above the threshold. <see cref="Distances"/> holds every identity, nearest first.
/// </summary>
public sealed record Identification(
    Face Face,
    string? Identity,
    string? Nearest,
    float Distance,
    float Threshold,
    IReadOnlyList<IdentityDistance> Distances)
{
    public bool IsKnown => Identity is not null;

    /// <summary>
    /// The one rule every gallery answers by: the nearest identity when within the threshold, unless the face
    /// failed its liveness check (the gate: never greeted, never let in), though its nearest is still told.
    /// </summary>
    internal static Identification Decide(Face face, IReadOnlyList<IdentityDistance> distances, float threshold)
    {
        if (distances.Count == 0)
            return new Identification(face, null, null, float.PositiveInfinity, threshold, distances);
        var nearest = distances[0];
        var known = FaceDistance.IsMatch(nearest.Distance, threshold) && face.Liveness is not { IsLive: false };
        return new Identification(face, known ? nearest.Identity : null, nearest.Identity, nearest.Distance,
            threshold, distances);
    }
}
