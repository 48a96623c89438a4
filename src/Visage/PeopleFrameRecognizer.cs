using OpenCvSharp;
using Visage.Video;

namespace Visage;

/// <summary>Recognises a frame as People.Identify does a photo: the same pipeline, people and threshold.</summary>
internal sealed class PeopleFrameRecognizer(People people) : IFrameRecognizer
{
    public IReadOnlyList<RecognizedFace> Recognize(Mat bgrFrame, CancellationToken ct = default)
    {
        ct.ThrowIfCancellationRequested();
        return people.Identify(people.Recognizer.Find(bgrFrame)).Select(RecognizedFace.From).ToList();
    }
}
