namespace Visage.Detection;

/// <summary>Keeps the best-scoring face of every cluster of overlapping detections.</summary>
internal static class NonMaximumSuppression
{
    public static IReadOnlyList<DetectedFace> Apply(IEnumerable<DetectedFace> candidates, float iouThreshold)
    {
        var kept = new List<DetectedFace>();
        foreach (var candidate in candidates.OrderByDescending(c => c.Score))
        {
            if (kept.All(k => k.Box.IntersectionOverUnion(candidate.Box) <= iouThreshold))
                kept.Add(candidate);
        }
        return kept;
    }
}
