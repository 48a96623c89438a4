namespace Visage.Models;

/// <summary>Which landmark network a pack runs; each gives the 68 points of the iBUG scheme (or a detector's own four).</summary>
internal enum LandmarkerKind
{
    /// <summary>faceplugin's 68-point network on a 64x64 grey crop.</summary>
    Points68,

    /// <summary>MediaPipe FaceMesh (468 points, TensorFlow.js), the 68 read off the mesh.</summary>
    FaceMesh,

    /// <summary>
    /// No landmark network for detected faces: the detector's own keypoints (BlazeFace's eyes, nose tip and mouth
    /// centre) align them. The 68-point network stays for faces given without keypoints (a fixed box).
    /// </summary>
    DetectorKeypoints,
}
