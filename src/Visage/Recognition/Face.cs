using Visage.Detection;
using Visage.Landmarks;

namespace Visage.Recognition;

/// <summary>
/// A face found in an image: where it is, how sure the detector was, its landmarks (null when the
/// pipeline does not align faces) and its encoding.
/// </summary>
public sealed record Face(FaceBox Box, float Score, FaceLandmarks? Landmarks, float[] Embedding);
