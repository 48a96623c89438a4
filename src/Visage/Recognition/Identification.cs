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
}
