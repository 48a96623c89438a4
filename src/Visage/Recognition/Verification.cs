namespace Visage.Recognition;

/// <summary>One side of a verification: the photo, the face compared, and how many faces the photo showed.</summary>
public sealed record VerifiedFace(string Image, Face Face, int FacesFound);

/// <summary>Whether two faces are the same person, by the inclusive threshold rule.</summary>
public sealed record Verification(VerifiedFace First, VerifiedFace Second, float Distance, DecisionThreshold Threshold)
{
    public bool SamePerson => FaceDistance.IsMatch(Distance, Threshold.Value);
}
