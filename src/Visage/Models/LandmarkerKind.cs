namespace Visage.Models;

/// <summary>Which landmark network a pack runs; each gives the 68 points of the iBUG scheme.</summary>
internal enum LandmarkerKind
{
    /// <summary>faceplugin's 68-point network on a 64x64 grey crop.</summary>
    Points68,

    /// <summary>MediaPipe FaceMesh (468 points, TensorFlow.js), the 68 read off the mesh.</summary>
    FaceMesh,
}
