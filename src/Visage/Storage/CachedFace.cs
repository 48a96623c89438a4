using Visage.Detection;

namespace Visage.Storage;

/// <summary>A face of an image as the encoding cache keeps it: where it is, the detector's score, its encoding.</summary>
internal sealed record CachedFace(FaceBox Box, float Score, float[] Embedding);
