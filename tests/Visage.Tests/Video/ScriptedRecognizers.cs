using OpenCvSharp;
using Visage.Detection;
using Visage.Video;

namespace Visage.Tests.Video;

/// <summary>Recognisers for loop tests: no models, known answers, controllable speed.</summary>
internal static class ScriptedRecognizers
{
    /// <summary>Takes a fixed time per frame, finds nobody, and records which frames it was given.</summary>
    public sealed class Slow(TimeSpan delay) : IFrameRecognizer
    {
        private readonly List<double> _seen = [];

        /// <summary>The grey level of each frame it recognised, in order (test videos number frames by grey level).</summary>
        public IReadOnlyList<double> Seen
        {
            get { lock (_seen) return _seen.ToList(); }
        }

        public IReadOnlyList<RecognizedFace> Recognize(Mat bgrFrame, CancellationToken ct = default)
        {
            lock (_seen) _seen.Add(Cv2.Mean(bgrFrame).Val0);
            ct.WaitHandle.WaitOne(delay);
            return [];
        }
    }

    /// <summary>
    /// Reads who is in a frame from its grey level, so a video of plain frames can stage people coming and
    /// going: each level names the people shown, each at their own place from left to right.
    /// </summary>
    public sealed class ByGreyLevel(IReadOnlyDictionary<int, string[]> people) : IFrameRecognizer
    {
        public IReadOnlyList<RecognizedFace> Recognize(Mat bgrFrame, CancellationToken ct = default)
        {
            var level = Cv2.Mean(bgrFrame).Val0;
            var nearest = people.Keys.MinBy(k => Math.Abs(k - level));
            if (Math.Abs(nearest - level) > 10) return [];
            return people[nearest]
                .Select((name, i) => name == "?"
                    ? new RecognizedFace(new FaceBox(10 * i, 5, 8, 8), null, "someone", 1.5f)
                    : new RecognizedFace(new FaceBox(10 * i, 5, 8, 8), name, name, 0.4f))
                .ToList();
        }
    }

    /// <summary>Fails on the first frame.</summary>
    public sealed class Broken : IFrameRecognizer
    {
        public IReadOnlyList<RecognizedFace> Recognize(Mat bgrFrame, CancellationToken ct = default) =>
            throw new VisageException("model exploded");
    }
}
