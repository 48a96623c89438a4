using System.Numerics.Tensors;

namespace Visage.Recognition.Clustering;

/// <summary>
/// Faces joined when their encodings are at most the threshold apart, grown one face at a time, with the
/// connected components kept current (union-find). Every method groups faces only along chains of such edges, so
/// a component can be clustered on its own: a new face regroups just the component it lands in.
/// </summary>
internal sealed class NeighbourGraph
{
    private readonly List<float[]> _encodings = [];
    private readonly List<List<Neighbour>> _neighbours = [];
    private readonly List<int> _parent = [];
    private readonly List<List<int>?> _members = [];

    public NeighbourGraph(float threshold)
    {
        if (!float.IsFinite(threshold) || threshold <= 0)
            throw new ArgumentOutOfRangeException(nameof(threshold), threshold, "the clustering threshold must be a positive distance");
        Threshold = threshold;
    }

    public float Threshold { get; }

    public int Count => _encodings.Count;

    public IReadOnlyList<float[]> Encodings => _encodings;

    /// <summary>Faces within the threshold of <paramref name="face"/>, ascending by face, itself excluded.</summary>
    public IReadOnlyList<Neighbour> NeighboursOf(int face) => _neighbours[face];

    /// <summary>
    /// The graph of all the encodings at once: the same graph as adding them one by one, with the distance rows
    /// computed in parallel.
    /// </summary>
    public static NeighbourGraph Build(IReadOnlyList<float[]> encodings, float threshold)
    {
        var graph = new NeighbourGraph(threshold);
        CheckDimensions(encodings);
        var rows = new List<Neighbour>[encodings.Count];
        Parallel.For(0, encodings.Count, i =>
        {
            var row = new List<Neighbour>();
            for (var j = 0; j < encodings.Count; j++)
            {
                if (j == i) continue;
                var distance = TensorPrimitives.Distance(encodings[i], encodings[j]);
                if (distance <= threshold) row.Add(new Neighbour(j, distance));
            }
            rows[i] = row;
        });
        for (var i = 0; i < encodings.Count; i++)
        {
            graph._encodings.Add(encodings[i]);
            graph._neighbours.Add(rows[i]);
            graph._parent.Add(i);
            graph._members.Add([i]);
        }
        for (var i = 0; i < rows.Length; i++)
            foreach (var n in rows[i])
                if (n.Face < i) graph.Union(i, n.Face);
        return graph;
    }

    /// <summary>Adds a face, links it to every earlier face within the threshold, and returns its index.</summary>
    public int Add(float[] encoding)
    {
        ArgumentNullException.ThrowIfNull(encoding);
        if (_encodings.Count > 0 && encoding.Length != _encodings[0].Length)
            throw new ArgumentException($"an encoding of {encoding.Length} numbers cannot join encodings of {_encodings[0].Length}");
        var face = _encodings.Count;
        var row = new List<Neighbour>();
        for (var other = 0; other < face; other++)
        {
            var distance = TensorPrimitives.Distance(encoding, _encodings[other]);
            if (distance > Threshold) continue;
            row.Add(new Neighbour(other, distance));
            _neighbours[other].Add(new Neighbour(face, distance));
        }
        _encodings.Add(encoding);
        _neighbours.Add(row);
        _parent.Add(face);
        _members.Add([face]);
        foreach (var n in row) Union(face, n.Face);
        return face;
    }

    /// <summary>The representative face of the component holding <paramref name="face"/>.</summary>
    public int ComponentOf(int face)
    {
        var root = face;
        while (_parent[root] != root) root = _parent[root];
        while (_parent[face] != root)
        {
            var next = _parent[face];
            _parent[face] = root;
            face = next;
        }
        return root;
    }

    /// <summary>The faces of the component holding <paramref name="face"/>, in no particular order.</summary>
    public IReadOnlyList<int> ComponentMembers(int face) => _members[ComponentOf(face)]!;

    /// <summary>Every component's faces, ascending, keyed by its representative.</summary>
    public Dictionary<int, List<int>> Components()
    {
        var components = new Dictionary<int, List<int>>();
        for (var face = 0; face < Count; face++)
        {
            if (_members[face] is { } members) components[face] = members.Order().ToList();
        }
        return components;
    }

    private void Union(int a, int b)
    {
        a = ComponentOf(a);
        b = ComponentOf(b);
        if (a == b) return;
        if (_members[a]!.Count < _members[b]!.Count) (a, b) = (b, a);
        _parent[b] = a;
        _members[a]!.AddRange(_members[b]!);
        _members[b] = null;
    }

    private static void CheckDimensions(IReadOnlyList<float[]> encodings)
    {
        for (var i = 0; i < encodings.Count; i++)
        {
            ArgumentNullException.ThrowIfNull(encodings[i], $"encodings[{i}]");
            if (encodings[i].Length != encodings[0].Length)
                throw new ArgumentException($"encoding {i} has {encodings[i].Length} numbers, encoding 0 has {encodings[0].Length}");
        }
    }
}
