using System.Numerics.Tensors;

namespace Visage.Recognition.Clustering;

/// <summary>
/// Agglomerative clustering with average linkage (UPGMA), cut at the threshold: groups merge while the mean
/// distance between their faces is at most the threshold. Built with the nearest-neighbour chain, which finds the
/// same merges as always joining the closest pair, in O(n²) time and memory for a component of n faces.
/// </summary>
internal static class AverageLinkage
{
    public static int[] Cluster(Component component, ClusteringOptions options)
    {
        var n = component.Count;
        var groups = new DisjointSets(n);
        if (n < 2) return groups.Labels();

        // Distances between the current groups, in the slot of each group's surviving face.
        var distance = new float[n * n];
        Parallel.For(0, n, i =>
        {
            for (var j = i + 1; j < n; j++)
            {
                var d = TensorPrimitives.Distance(component.Encodings[i], component.Encodings[j]);
                distance[i * n + j] = d;
                distance[j * n + i] = d;
            }
        });
        var size = Enumerable.Repeat(1, n).ToArray();
        var active = Enumerable.Repeat(true, n).ToArray();
        var chain = new List<int>(n);
        for (var remaining = n; remaining > 1;)
        {
            if (chain.Count == 0) chain.Add(Array.IndexOf(active, true));
            var a = chain[^1];
            var previous = chain.Count >= 2 ? chain[^2] : -1;
            // The nearest other group; the previous link of the chain wins a tie, so the chain cannot cycle.
            var b = previous;
            var best = previous >= 0 ? distance[a * n + previous] : float.PositiveInfinity;
            for (var k = 0; k < n; k++)
            {
                if (!active[k] || k == a) continue;
                if (distance[a * n + k] < best) { best = distance[a * n + k]; b = k; }
            }
            if (b != previous)
            {
                chain.Add(b);
                continue;
            }

            chain.RemoveRange(chain.Count - 2, 2);
            if (best > options.Threshold)
            {
                // Each is the other's nearest group, and merging never brings a group nearer than the nearer of
                // its parts: neither will ever merge at or under the threshold, so both are final.
                active[a] = active[b] = false;
                remaining -= 2;
                continue;
            }
            groups.Union(a, b);
            // Lance-Williams: the merged group's mean distance to k, kept in slot a.
            for (var k = 0; k < n; k++)
            {
                if (!active[k] || k == a || k == b) continue;
                var merged = (float)((size[a] * (double)distance[a * n + k] + size[b] * (double)distance[b * n + k]) / (size[a] + size[b]));
                distance[a * n + k] = merged;
                distance[k * n + a] = merged;
            }
            size[a] += size[b];
            active[b] = false;
            remaining--;
        }
        return groups.Labels();
    }

    private sealed class DisjointSets(int count)
    {
        private readonly int[] _parent = Enumerable.Range(0, count).ToArray();

        public void Union(int a, int b) => _parent[Find(b)] = Find(a);

        public int[] Labels() => Enumerable.Range(0, _parent.Length).Select(Find).ToArray();

        private int Find(int x)
        {
            while (_parent[x] != x) x = _parent[x] = _parent[_parent[x]];
            return x;
        }
    }
}
