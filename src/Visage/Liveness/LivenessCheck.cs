namespace Visage.Liveness;

/// <summary>
/// A face's liveness score (0 to 1, higher is more likely a live person in front of the camera rather than a
/// photo, a screen or a mask) and the threshold it was judged at: the face passes when the score is at least it.
/// </summary>
public sealed record LivenessCheck(float Score, float Threshold)
{
    public bool IsLive => Score >= Threshold;
}
