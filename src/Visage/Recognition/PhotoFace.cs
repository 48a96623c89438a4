using Visage.Detection;

namespace Visage.Recognition;

/// <summary>One face of one photo: the photo's path and SHA-256, where the face is, the detector's score, its encoding.</summary>
public sealed record PhotoFace(string Image, string ImageSha256, FaceBox Box, float Score, float[] Embedding);
