using Visage.Detection;
using Visage.Landmarks;
using Visage.Liveness;

namespace Visage.Recognition;

/// <summary>
/// A face found in an image: where it is, how sure the detector was, its landmarks (null when the
/// pipeline does not align faces), its encoding, and its liveness check (null unless the recognizer was
/// loaded with one: see <see cref="RecognizerOptions.Liveness"/>).
/// </summary>
public sealed record Face(FaceBox Box, float Score, FaceLandmarks? Landmarks, float[] Embedding,
    LivenessCheck? Liveness = null);
