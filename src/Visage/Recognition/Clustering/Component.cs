namespace Visage.Recognition.Clustering;

/// <summary>
/// One connected component of the neighbour graph, seen on its own: faces numbered 0..n-1 in an order fixed by
/// their encodings alone (not by when they arrived), so a component clusters the same however it was built.
/// </summary>
internal sealed class Component
{
    public Component(NeighbourGraph graph, IReadOnlyList<int> faces)
    {
        var ordered = faces.ToArray();
        Array.Sort(ordered, (a, b) =>
        {
            var byContent = CompareEncodings(graph.Encodings[a], graph.Encodings[b]);
            return byContent != 0 ? byContent : a.CompareTo(b);
        });
        Faces = ordered;
        Threshold = graph.Threshold;
        var local = new Dictionary<int, int>(ordered.Length);
        for (var i = 0; i < ordered.Length; i++) local[ordered[i]] = i;
        Encodings = ordered.Select(f => graph.Encodings[f]).ToArray();
        Neighbours = ordered
            .Select(f => graph.NeighboursOf(f)
                .Select(n => new Neighbour(local[n.Face], n.Distance))
                .OrderBy(n => n.Face)
                .ToArray())
            .ToArray();
    }

    /// <summary>The graph's face for each local face.</summary>
    public IReadOnlyList<int> Faces { get; }

    public IReadOnlyList<float[]> Encodings { get; }

    /// <summary>Each local face's neighbours within the threshold (local numbers, ascending), itself excluded.</summary>
    public IReadOnlyList<Neighbour[]> Neighbours { get; }

    public float Threshold { get; }

    public int Count => Faces.Count;

    /// <summary>Groups of graph faces from a local label per face (any numbers; a negative one: no group).</summary>
    public IEnumerable<IReadOnlyList<int>> Groups(IReadOnlyList<int> localLabels) =>
        Enumerable.Range(0, Count)
            .Where(i => localLabels[i] >= 0)
            .GroupBy(i => localLabels[i])
            .Select(g => (IReadOnlyList<int>)g.Select(i => Faces[i]).Order().ToList());

    private static int CompareEncodings(float[] a, float[] b)
    {
        for (var i = 0; i < Math.Min(a.Length, b.Length); i++)
        {
            var c = a[i].CompareTo(b[i]);
            if (c != 0) return c;
        }
        return a.Length.CompareTo(b.Length);
    }
}
