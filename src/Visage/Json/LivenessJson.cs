using Visage.Liveness;

namespace Visage.Json;

/// <summary>
/// A face's liveness check: <c>{"score","threshold","live"}</c>; <c>live</c> is false for a face that failed
/// it (never greeted nor identified). Faces carry it as <c>"liveness"</c> only when a liveness check was asked for.
/// </summary>
public sealed record LivenessJson(float Score, float Threshold, bool Live)
{
    public static LivenessJson? From(LivenessCheck? check) =>
        check is null ? null : new(MathF.Round(check.Score, 4), check.Threshold, check.IsLive);
}
