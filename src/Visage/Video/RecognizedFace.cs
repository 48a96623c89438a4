using Visage.Detection;

namespace Visage.Video;

/// <summary>
/// A face in a frame: where it is, who it is (null: unknown), the nearest enrolled identity and its distance
/// (infinite when nobody is enrolled).
/// </summary>
public sealed record RecognizedFace(FaceBox Box, string? Identity, string? Nearest, float Distance)
{
    public bool IsKnown => Identity is not null;
}
