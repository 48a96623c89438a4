namespace Visage.Recognition.Clustering;

/// <summary>
/// Groups encodings into people: the neighbour graph at the threshold, each of its connected components clustered
/// on its own by the chosen method, groups under the minimum size left unassigned.
/// </summary>
internal static class FaceClusterer
{
    public static ClusterAssignment Cluster(IReadOnlyList<float[]> encodings, ClusteringOptions options)
    {
        options.Validate();
        return Cluster(NeighbourGraph.Build(encodings, options.Threshold), options);
    }

    /// <summary>Clusters the faces of a graph built at the options' threshold (several methods, one graph).</summary>
    public static ClusterAssignment Cluster(NeighbourGraph graph, ClusteringOptions options)
    {
        options.Validate();
        if (graph.Threshold != options.Threshold)
            throw new ArgumentException($"a graph built at {graph.Threshold} cannot be clustered at {options.Threshold}");
        var groups = graph.Components().Values
            .AsParallel().AsOrdered()
            .SelectMany(faces => GroupsOf(graph, faces, options))
            .ToList();
        return ClusterAssignment.FromGroups(graph.Count, groups, options.MinClusterSize);
    }

    /// <summary>The groups of one connected component of the graph, by the options' method.</summary>
    internal static IReadOnlyList<IReadOnlyList<int>> GroupsOf(NeighbourGraph graph, IReadOnlyList<int> faces,
        ClusteringOptions options)
    {
        var component = new Component(graph, faces);
        var labels = options.Method switch
        {
            ClusteringMethod.ChineseWhispers => ChineseWhispers.Cluster(component, options),
            ClusteringMethod.Dbscan => Dbscan.Cluster(component, options),
            ClusteringMethod.AverageLinkage => AverageLinkage.Cluster(component, options),
            _ => throw new ArgumentOutOfRangeException(nameof(options), options.Method, "unknown clustering method"),
        };
        return component.Groups(labels).ToList();
    }
}
