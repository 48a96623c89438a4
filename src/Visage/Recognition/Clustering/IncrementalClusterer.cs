namespace Visage.Recognition.Clustering;

/// <summary>
/// Clusters that grow one face at a time: a new face is compared with the faces so far, and only the connected
/// component it joins (the faces linked to it by chains of neighbours within the threshold) is grouped again, the
/// next time the groups are read. Gives the same groups as <see cref="FaceClusterer"/> on the same faces, whatever
/// order they arrive in.
/// </summary>
internal sealed class IncrementalClusterer
{
    private readonly NeighbourGraph _graph;
    // The groups of each component as last clustered, keyed by a face of it, and that key for every face.
    private readonly Dictionary<int, IReadOnlyList<IReadOnlyList<int>>> _groupsByComponent = [];
    private readonly List<int> _componentKey = [];
    private readonly HashSet<int> _stale = [];
    private ClusterAssignment? _assignment;
    private int _lastRegrouped;

    public IncrementalClusterer(ClusteringOptions options)
    {
        options.Validate();
        Options = options;
        _graph = new NeighbourGraph(options.Threshold);
    }

    public ClusteringOptions Options { get; }

    public int Count => _graph.Count;

    /// <summary>How many faces were grouped again to bring the groups up to date after the latest faces added.</summary>
    public int LastRegrouped
    {
        get
        {
            _ = Assignment;
            return _lastRegrouped;
        }
    }

    /// <summary>Adds a face and returns its index (0, 1, ... in order of arrival).</summary>
    public int Add(float[] encoding)
    {
        var face = _graph.Add(encoding);
        _componentKey.Add(face);
        // The components this face joined are now one, to be clustered again when next read.
        foreach (var neighbour in _graph.NeighboursOf(face))
            _stale.Add(neighbour.Face);
        _stale.Add(face);
        _assignment = null;
        return face;
    }

    /// <summary>The cluster of <paramref name="face"/>, or <see cref="ClusterAssignment.Unassigned"/>.</summary>
    public int ClusterOf(int face) => Assignment.Labels[face];

    /// <summary>The groups of every face so far, numbered as <see cref="FaceClusterer"/> numbers them.</summary>
    public ClusterAssignment Assignment => _assignment ??= Regroup();

    private ClusterAssignment Regroup()
    {
        foreach (var face in _stale)
            _groupsByComponent.Remove(_componentKey[face]);
        _lastRegrouped = 0;
        foreach (var root in _stale.Select(_graph.ComponentOf).Distinct())
        {
            var faces = _graph.ComponentMembers(root).Order().ToList();
            foreach (var face in faces) _componentKey[face] = root;
            _groupsByComponent[root] = FaceClusterer.GroupsOf(_graph, faces, Options);
            _lastRegrouped += faces.Count;
        }
        _stale.Clear();
        return ClusterAssignment.FromGroups(_graph.Count, _groupsByComponent.Values.SelectMany(g => g), Options.MinClusterSize);
    }
}
