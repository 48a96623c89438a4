namespace Visage.Evaluation;

/// <summary>
/// How often a recognizer's liveness check rejects real faces: each photo's most central detected face is
/// scored, and every score under the threshold is a live person wrongly turned away. Photos without a detected
/// face are counted apart, not scored. (The other error, a spoof let through, needs spoof data.)
/// </summary>
public sealed class LivenessEvaluation(FaceRecognizer recognizer)
{
    public async Task<LivenessReport> RunAsync(IReadOnlyList<string> images,
        IProgress<(int Done, int Total)>? progress = null, CancellationToken ct = default)
    {
        var threshold = recognizer.LivenessThreshold
                        ?? throw new InvalidSettingException(VisageSetting.Liveness,
                            "measuring liveness needs a recognizer loaded with a liveness network");
        var scores = new List<(string Path, float Score)>();
        var noFace = 0;
        for (var i = 0; i < images.Count; i++)
        {
            ct.ThrowIfCancellationRequested();
            using var image = await recognizer.ReadImageAsync(images[i], ct);
            var faces = recognizer.Detect(image);
            if (faces.Count == 0)
            {
                noFace++;
            }
            else
            {
                var (x, y) = (image.Width / 2f, image.Height / 2f);
                var subject = faces.MinBy(f =>
                    (f.Box.Center.X - x) * (f.Box.Center.X - x) + (f.Box.Center.Y - y) * (f.Box.Center.Y - y))!;
                scores.Add((images[i], recognizer.CheckLiveness(image, [subject.Box])[0].Score));
            }
            progress?.Report((i + 1, images.Count));
        }

        var sorted = scores.Select(s => s.Score).Order().ToArray();
        double Percentile(double p) =>
            sorted.Length == 0 ? double.NaN : sorted[(int)Math.Min(sorted.Length - 1, Math.Floor(p * sorted.Length))];
        var rejected = scores.Where(s => s.Score < threshold).Select(s => s.Path).Order(StringComparer.Ordinal).ToList();
        return new LivenessReport(recognizer.LivenessModel!, threshold, images.Count, scores.Count, noFace, rejected.Count,
            scores.Count == 0 ? 0 : rejected.Count / (double)scores.Count,
            new LivenessPercentiles(Percentile(0.01), Percentile(0.05), Percentile(0.10), Percentile(0.50)),
            rejected);
    }
}

/// <summary>Score percentiles of the real faces scored (1st, 5th, 10th, median).</summary>
public sealed record LivenessPercentiles(double P1, double P5, double P10, double Median);

/// <summary>
/// A liveness check on real faces: how many photos it scored, how many of those it rejected (score under
/// the threshold) and which, and the spread of its scores.
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
