using OpenCvSharp;

namespace Visage.Video;

/// <summary>Finds and names the faces of one frame. Called from one thread at a time.</summary>
internal interface IFrameRecognizer
{
    IReadOnlyList<RecognizedFace> Recognize(Mat bgrFrame, CancellationToken ct = default);
}
