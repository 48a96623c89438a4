using OpenCvSharp;
using Visage.Video;

namespace Visage;

/// <summary>
/// Recognises a frame as People.Identify does a photo: the same pipeline, people and threshold; with
/// <paramref name="checkLiveness"/>, faces that fail the liveness check are nobody.
/// </summary>
internal sealed class PeopleFrameRecognizer(People people, bool checkLiveness = false) : IFrameRecognizer
{
    public IReadOnlyList<RecognizedFace> Recognize(Mat bgrFrame, CancellationToken ct = default)
    {
        ct.ThrowIfCancellationRequested();
        return people.Identify(people.Recognizer.Find(bgrFrame, checkLiveness)).Select(RecognizedFace.From).ToList();
    }
}
