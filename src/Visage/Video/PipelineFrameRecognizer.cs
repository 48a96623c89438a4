using OpenCvSharp;
using Visage.Recognition;

namespace Visage.Video;

/// <summary>The recogniser of <c>identify</c>: the face pipeline, then the nearest enrolled identity within the threshold.</summary>
public sealed class PipelineFrameRecognizer(FacePipeline pipeline, FaceMatcher matcher, float threshold) : IFrameRecognizer
{
    public IReadOnlyList<RecognizedFace> Recognize(Mat bgrFrame, CancellationToken ct = default)
    {
        ct.ThrowIfCancellationRequested();
        return pipeline.Analyze(bgrFrame)
            .Select(face => matcher.Identify(face, threshold))
            .Select(id => new RecognizedFace(id.Face.Box, id.Identity, id.Nearest, id.Distance))
            .ToList();
    }
}
