namespace Visage.Recognition.Clustering;

/// <summary>
/// Chinese whispers (Biemann 2006) as dlib's face clustering runs it: every face starts with its own label; in
/// each pass, taken in a seeded random order, a face adopts the label with the most votes among itself and its
/// neighbours (ties: the smallest label). Stops after a pass that changes nothing. Weighted, each neighbour votes
/// 1 - distance/threshold and the face itself does not vote.
/// </summary>
internal static class ChineseWhispers
{
    public static int[] Cluster(Component component, ClusteringOptions options)
    {
        var n = component.Count;
        var labels = Enumerable.Range(0, n).ToArray();
        if (n < 2) return labels;
        var random = new Random(options.Seed);
        var order = Enumerable.Range(0, n).ToArray();
        var votes = new Dictionary<int, double>();
        for (var pass = 0; pass < options.Passes; pass++)
        {
            random.Shuffle(order);
            var changed = false;
            foreach (var face in order)
            {
                votes.Clear();
                // dlib's graph holds each face's edge to itself: its own label votes too. Weighted, it would outvote
                // every neighbour (weight 1 at distance 0), so only neighbours vote.
                if (!options.Weighted) votes[labels[face]] = 1.0;
                foreach (var neighbour in component.Neighbours[face])
                {
                    var weight = options.Weighted ? 1.0 - neighbour.Distance / component.Threshold : 1.0;
                    var label = labels[neighbour.Face];
                    votes[label] = votes.GetValueOrDefault(label) + weight;
                }
                var best = labels[face];
                var bestVotes = double.NegativeInfinity;
                foreach (var (label, count) in votes)
                {
                    if (count > bestVotes || (count == bestVotes && label < best))
                    {
                        best = label;
                        bestVotes = count;
                    }
                }
                if (best == labels[face]) continue;
                labels[face] = best;
                changed = true;
            }
            if (!changed) break;
        }
        return labels;
    }
}
