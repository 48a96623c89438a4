using Visage.Detection;
using Visage.Imaging;
using Visage.Liveness;

namespace Visage.Evaluation;

/// <summary>
/// How often a liveness scorer rejects real faces: each photo's most central detected face is scored, and
/// every score under the scorer's threshold is a live person wrongly turned away. Photos without a detected
/// face are counted apart, not scored. (The other error, a spoof let through, needs spoof data.)
/// </summary>
public sealed class LivenessEvaluation(IFaceDetector detector, ILivenessScorer scorer, ImageLimits? limits = null)
{
    public LivenessReport Run(IReadOnlyList<string> images, IProgress<(int Done, int Total)>? progress = null,
        CancellationToken ct = default)
    {
        var scores = new List<(string Path, float Score)>();
        var noFace = 0;
        for (var i = 0; i < images.Count; i++)
        {
            ct.ThrowIfCancellationRequested();
            using var image = ImageReader.Read(images[i], limits);
            var faces = detector.Detect(image.Pixels);
            if (faces.Count == 0)
            {
                noFace++;
            }
            else
            {
                var centre = (X: image.Width / 2f, Y: image.Height / 2f);
                var subject = faces.MinBy(f =>
                    (f.Box.Center.X - centre.X) * (f.Box.Center.X - centre.X) + (f.Box.Center.Y - centre.Y) * (f.Box.Center.Y - centre.Y))!;
                scores.Add((images[i], scorer.Score(image.Pixels, [subject.Box])[0]));
            }
            progress?.Report((i + 1, images.Count));
        }

        var sorted = scores.Select(s => s.Score).Order().ToArray();
        double Percentile(double p) => sorted.Length == 0 ? double.NaN : sorted[(int)Math.Min(sorted.Length - 1, Math.Floor(p * sorted.Length))];
        var rejected = scores.Where(s => s.Score < scorer.Threshold).Select(s => s.Path).Order(StringComparer.Ordinal).ToList();
        return new LivenessReport(scorer.ModelId, scorer.Threshold, images.Count, scores.Count, noFace, rejected.Count,
            scores.Count == 0 ? 0 : rejected.Count / (double)scores.Count,
            new LivenessPercentiles(Percentile(0.01), Percentile(0.05), Percentile(0.10), Percentile(0.50)),
            rejected);
    }
}

/// <summary>Score percentiles of the real faces scored (1st, 5th, 10th, median).</summary>
public sealed record LivenessPercentiles(double P1, double P5, double P10, double Median);

/// <summary>
/// A liveness scorer on real faces: how many photos it scored, how many of those it rejected (score under
/// its threshold) and which, and the spread of its scores.
/// </summary>
public sealed record LivenessReport(
    string Model,
    float Threshold,
    int Images,
    int FacesScored,
    int ImagesWithoutFace,
    int Rejected,
    double RejectionRate,
    LivenessPercentiles Scores,
    IReadOnlyList<string> RejectedImages);
