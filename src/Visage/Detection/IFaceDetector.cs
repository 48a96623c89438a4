using OpenCvSharp;

namespace Visage.Detection;

/// <summary>Finds faces in an 8-bit BGR image.</summary>
internal interface IFaceDetector : IDisposable
{
    IReadOnlyList<DetectedFace> Detect(Mat bgrImage);
}
