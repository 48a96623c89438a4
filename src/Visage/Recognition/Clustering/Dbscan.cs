namespace Visage.Recognition.Clustering;

/// <summary>
/// DBSCAN (Ester et al. 1996) with epsilon the threshold: a face with at least MinNeighbours faces within it
/// (itself included) is a core; cores joined by an edge share a cluster; any other face joins the cluster of its
/// nearest core neighbour (ties: the first), so the answer does not depend on the order faces are visited;
/// a face with no core neighbour is noise.
/// </summary>
internal static class Dbscan
{
    public static int[] Cluster(Component component, ClusteringOptions options)
    {
        var n = component.Count;
        var core = new bool[n];
        for (var i = 0; i < n; i++) core[i] = component.Neighbours[i].Length + 1 >= options.MinNeighbours;

        var labels = new int[n];
        Array.Fill(labels, -1);
        var stack = new Stack<int>();
        for (var seed = 0; seed < n; seed++)
        {
            if (!core[seed] || labels[seed] >= 0) continue;
            labels[seed] = seed;
            stack.Push(seed);
            while (stack.Count > 0)
            {
                var face = stack.Pop();
                foreach (var neighbour in component.Neighbours[face])
                {
                    if (!core[neighbour.Face] || labels[neighbour.Face] >= 0) continue;
                    labels[neighbour.Face] = seed;
                    stack.Push(neighbour.Face);
                }
            }
        }

        for (var i = 0; i < n; i++)
        {
            if (core[i]) continue;
            var nearest = -1;
            var nearestDistance = float.PositiveInfinity;
            foreach (var neighbour in component.Neighbours[i])
            {
                if (!core[neighbour.Face] || neighbour.Distance >= nearestDistance) continue;
                nearest = neighbour.Face;
                nearestDistance = neighbour.Distance;
            }
            labels[i] = nearest < 0 ? -1 : labels[nearest];
        }
        return labels;
    }
}
