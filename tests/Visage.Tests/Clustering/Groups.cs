using Visage.Recognition.Clustering;

namespace Visage.Tests.Clustering;

/// <summary>Clusters as sets of face numbers, comparable whatever the cluster numbering or the order of arrival.</summary>
internal static class Groups
{
    /// <summary>Each cluster as its faces' original numbers, sorted and joined by commas.</summary>
    public static HashSet<string> Of(ClusterAssignment assignment, Func<int, int>? original = null) =>
        assignment.Clusters.Select(c => string.Join(',', c.Select(original ?? (i => i)).Order())).ToHashSet();
}
