namespace Visage.Recognition;

/// <summary>Whether two faces are the same person, by the inclusive threshold rule.</summary>
public sealed record Verification(Face First, Face Second, float Distance, float Threshold)
{
    public bool SamePerson => FaceDistance.IsMatch(Distance, Threshold);
}
