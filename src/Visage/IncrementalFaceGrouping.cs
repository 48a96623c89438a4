using Visage.Recognition.Clustering;

namespace Visage;

/// <summary>
/// Strangers grouped as they arrive: each encoding added joins the faces it is close to, and only the connected
/// faces it touches are grouped again (average linkage, as <c>visage cluster</c> groups). The groups are the
/// same as grouping all the faces at once, whatever the order they came in.
/// <code>
/// var groups = IncrementalFaceGrouping.ForThreshold(people.Threshold.Value);
/// var face = groups.Add(encoding);
/// var sameGroup = groups.GroupOf(face);   // empty while the face stands alone
/// </code>
/// </summary>
public sealed class IncrementalFaceGrouping
{
    private readonly IncrementalClusterer _clusterer;

    /// <summary>Groups at <paramref name="distance"/>; groups smaller than <paramref name="minGroupSize"/> are no group.</summary>
    public IncrementalFaceGrouping(float distance, int minGroupSize = 2)
    {
        if (!(distance > 0 && float.IsFinite(distance)))
            throw new InvalidSettingException(VisageSetting.ClusterDistance, $"a grouping distance must be a positive distance, not {distance}");
        if (minGroupSize < 1)
            throw new InvalidSettingException(VisageSetting.MinClusterSize, $"a group needs at least one face, not {minGroupSize}");
        _clusterer = new IncrementalClusterer(new ClusteringOptions(ClusteringMethod.AverageLinkage, distance, minGroupSize));
        Distance = distance;
    }

    /// <summary>Grouping at the default fraction (0.9) of a verification threshold, as <c>visage cluster</c> does.</summary>
    public static IncrementalFaceGrouping ForThreshold(float threshold, int minGroupSize = 2) =>
        new(threshold * ClusteringOptions.DefaultThresholdRatio, minGroupSize);

    /// <summary>The fraction of the verification threshold that grouping uses by default.</summary>
    public static float DefaultThresholdRatio => ClusteringOptions.DefaultThresholdRatio;

    public float Distance { get; }

    /// <summary>How many faces were added.</summary>
    public int Count => _clusterer.Count;

    /// <summary>Adds a face; returns its index (0, 1, ... in order of arrival).</summary>
    public int Add(float[] encoding)
    {
        ArgumentNullException.ThrowIfNull(encoding);
        if (Count > 0 && encoding.Length != FirstLength)
            throw new ArgumentException($"encoding has {encoding.Length} numbers, the faces so far have {FirstLength}", nameof(encoding));
        if (Count == 0) FirstLength = encoding.Length;
        return _clusterer.Add(encoding);
    }

    private int FirstLength { get; set; }

    /// <summary>The faces in the same group as <paramref name="face"/>, itself included, ascending; empty when it is in none.</summary>
    public IReadOnlyList<int> GroupOf(int face)
    {
        if (face < 0 || face >= Count) throw new ArgumentOutOfRangeException(nameof(face), face, $"faces are numbered 0 to {Count - 1}");
        var assignment = _clusterer.Assignment;
        var label = assignment.Labels[face];
        return label == ClusterAssignment.Unassigned ? [] : assignment.Clusters[label];
    }

    /// <summary>Every group so far (faces ascending), numbered in order of their first face; faces in none are left out.</summary>
    public IReadOnlyList<IReadOnlyList<int>> Groups => _clusterer.Assignment.Clusters;
}
