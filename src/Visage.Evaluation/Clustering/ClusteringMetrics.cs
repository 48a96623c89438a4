namespace Visage.Evaluation.Clustering;

/// <summary>
/// How well found clusters match the true people. <c>predicted[i]</c> is face i's cluster (a negative number:
/// unassigned, counted as a cluster of its own, so leaving a face out costs recall); <c>truth[i]</c> is its person.
/// </summary>
internal static class ClusteringMetrics
{
    /// <summary>
    /// Over every pair of faces: precision, the share of pairs put together that are one person; recall, the share
    /// of same-person pairs put together. With no pair put together (or no same-person pair) that share is 1.
    /// </summary>
    public static PrecisionRecall Pairwise(IReadOnlyList<int> predicted, IReadOnlyList<int> truth)
    {
        var table = Contingency(predicted, truth);
        double together = table.ClusterSizes.Values.Sum(Pairs);
        double samePerson = table.PersonSizes.Values.Sum(Pairs);
        double both = table.Cells.Values.Sum(Pairs);
        return new PrecisionRecall(together == 0 ? 1 : both / together, samePerson == 0 ? 1 : both / samePerson);
    }

    /// <summary>
    /// BCubed (Bagga and Baldwin 1998), averaged over faces: a face's precision is the share of its cluster that is
    /// its person; its recall, the share of its person that is in its cluster.
    /// </summary>
    public static PrecisionRecall BCubed(IReadOnlyList<int> predicted, IReadOnlyList<int> truth)
    {
        var table = Contingency(predicted, truth);
        if (table.Clusters.Length == 0) return new PrecisionRecall(1, 1);
        double precision = 0, recall = 0;
        for (var i = 0; i < table.Clusters.Length; i++)
        {
            var cell = table.Cells[(table.Clusters[i], truth[i])];
            precision += (double)cell / table.ClusterSizes[table.Clusters[i]];
            recall += (double)cell / table.PersonSizes[truth[i]];
        }
        return new PrecisionRecall(precision / table.Clusters.Length, recall / table.Clusters.Length);
    }

    private static double Pairs(int count) => count * (count - 1) / 2.0;

    private sealed record Table(
        long[] Clusters,
        Dictionary<long, int> ClusterSizes,
        Dictionary<int, int> PersonSizes,
        Dictionary<(long Cluster, int Person), int> Cells);

    private static Table Contingency(IReadOnlyList<int> predicted, IReadOnlyList<int> truth)
    {
        if (predicted.Count != truth.Count)
            throw new ArgumentException($"{predicted.Count} cluster labels for {truth.Count} faces");
        // An unassigned face is a cluster of one: give it a key no real cluster has.
        var clusters = predicted.Select((c, i) => c >= 0 ? c : -1L - i).ToArray();
        var clusterSizes = new Dictionary<long, int>();
        var personSizes = new Dictionary<int, int>();
        var cells = new Dictionary<(long, int), int>();
        for (var i = 0; i < clusters.Length; i++)
        {
            clusterSizes[clusters[i]] = clusterSizes.GetValueOrDefault(clusters[i]) + 1;
            personSizes[truth[i]] = personSizes.GetValueOrDefault(truth[i]) + 1;
            cells[(clusters[i], truth[i])] = cells.GetValueOrDefault((clusters[i], truth[i])) + 1;
        }
        return new Table(clusters, clusterSizes, personSizes, cells);
    }
}
