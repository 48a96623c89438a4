using Visage.Recognition.Clustering;

namespace Visage.Tests.Clustering;

/// <summary>The library's public face of incremental grouping (what the service's strangers use).</summary>
public sealed class IncrementalFaceGroupingTests
{
    [Fact]
    public void Faces_added_one_at_a_time_fall_into_the_groups_of_average_linkage_on_all_of_them()
    {
        var people = SyntheticPeople.Make([5, 7, 3, 8], outliers: 4, dimensions: 16, noise: 0.12, seed: 3);
        var grouping = new IncrementalFaceGrouping(0.9f);
        foreach (var encoding in people.Encodings) grouping.Add(encoding);

        var batch = FaceClusterer.Cluster(people.Encodings, new ClusteringOptions(ClusteringMethod.AverageLinkage, 0.9f));
        Assert.Equal(batch.Clusters.Select(c => string.Join(',', c)), grouping.Groups.Select(g => string.Join(',', g)));
        Assert.Equal(people.TrueGroups(), grouping.Groups.Select(g => string.Join(',', g)).ToHashSet());
        for (var face = 0; face < people.Encodings.Count; face++)
        {
            var group = grouping.GroupOf(face);
            if (people.Person[face] < 0) Assert.Empty(group);
            else Assert.Equal(Enumerable.Range(0, people.Person.Count).Where(i => people.Person[i] == people.Person[face]), group);
        }
    }

    [Fact]
    public void Its_distance_is_nine_tenths_of_a_threshold_and_bad_settings_and_encodings_are_refused()
    {
        Assert.Equal(0.54f, IncrementalFaceGrouping.ForThreshold(0.6f).Distance, 4);
        Assert.Equal(VisageSetting.ClusterDistance,
            Assert.Throws<InvalidSettingException>(() => new IncrementalFaceGrouping(0)).Setting);
        Assert.Equal(VisageSetting.MinClusterSize,
            Assert.Throws<InvalidSettingException>(() => new IncrementalFaceGrouping(0.5f, 0)).Setting);
        var grouping = new IncrementalFaceGrouping(0.5f);
        grouping.Add(new float[4]);
        Assert.Throws<ArgumentException>(() => grouping.Add(new float[3]));
        Assert.Throws<ArgumentOutOfRangeException>(() => grouping.GroupOf(1));
    }
}
