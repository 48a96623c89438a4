using OpenCvSharp;
using Visage.Detection;

namespace Visage.Landmarks;

/// <summary>Locates the 68 landmarks of each given face.</summary>
internal interface ILandmarker : IDisposable
{
    IReadOnlyList<FaceLandmarks> Locate(Mat bgrImage, IReadOnlyList<FaceBox> faces);
}
