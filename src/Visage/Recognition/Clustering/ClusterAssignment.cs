namespace Visage.Recognition.Clustering;

/// <summary>
/// Which group each face fell into: <see cref="Labels"/>[i] is face i's cluster number (0, 1, ...; numbered in
/// order of each cluster's first face), or <see cref="Unassigned"/> for an outlier.
/// </summary>
internal sealed class ClusterAssignment
{
    public const int Unassigned = -1;

    public ClusterAssignment(IReadOnlyList<int> labels)
    {
        Labels = labels;
        var clusters = new List<List<int>>();
        var outliers = new List<int>();
        for (var face = 0; face < labels.Count; face++)
        {
            var label = labels[face];
            if (label == Unassigned) { outliers.Add(face); continue; }
            if (label < 0 || label > clusters.Count)
                throw new ArgumentException($"cluster labels must be numbered in order of first face; face {face} has {label}");
            if (label == clusters.Count) clusters.Add([]);
            clusters[label].Add(face);
        }
        Clusters = clusters;
        Outliers = outliers;
    }

    public IReadOnlyList<int> Labels { get; }

    /// <summary>Each cluster's faces, ascending; cluster c is <c>Clusters[c]</c>.</summary>
    public IReadOnlyList<IReadOnlyList<int>> Clusters { get; }

    /// <summary>Faces in no cluster.</summary>
    public IReadOnlyList<int> Outliers { get; }

    public int Count => Labels.Count;

    /// <summary>
    /// Numbers groups of faces in order of their smallest face, dropping those under the minimum size:
    /// the one numbering that batch and incremental clustering share.
    /// </summary>
    public static ClusterAssignment FromGroups(int faceCount, IEnumerable<IReadOnlyList<int>> groups, int minClusterSize)
    {
        var labels = new int[faceCount];
        Array.Fill(labels, Unassigned);
        var kept = groups.Where(g => g.Count >= minClusterSize).OrderBy(g => g.Min()).ToList();
        for (var c = 0; c < kept.Count; c++)
        {
            foreach (var face in kept[c])
            {
                if (labels[face] != Unassigned)
                    throw new InvalidOperationException($"face {face} is in two groups");
                labels[face] = c;
            }
        }
        return new ClusterAssignment(labels);
    }
}
