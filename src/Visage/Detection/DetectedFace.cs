namespace Visage.Detection;

/// <summary>A face a detector found, with its confidence in [0, 1].</summary>
public sealed record DetectedFace(FaceBox Box, float Score);
