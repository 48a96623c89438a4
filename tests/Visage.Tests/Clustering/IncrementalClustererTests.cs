using Visage.Recognition.Clustering;

namespace Visage.Tests.Clustering;

public sealed class IncrementalClustererTests
{
    [Theory]
    [MemberData(nameof(FaceClustererTests.Methods), MemberType = typeof(FaceClustererTests))]
    public void After_every_new_face_the_groups_are_those_of_clustering_all_faces_so_far(string methodName)
    {
        var method = Enum.Parse<ClusteringMethod>(methodName);
        var people = SyntheticPeople.Make([5, 7, 3, 8, 6, 4, 9, 2], outliers: 6, dimensions: 16, noise: 0.12, seed: 3);
        var options = new ClusteringOptions(method, 0.9f);
        var clusters = new IncrementalClusterer(options);

        for (var n = 1; n <= people.Encodings.Count; n++)
        {
            Assert.Equal(n - 1, clusters.Add(people.Encodings[n - 1]));
            var batch = FaceClusterer.Cluster(people.Encodings.Take(n).ToList(), options);
            Assert.Equal(batch.Labels, clusters.Assignment.Labels);
        }
    }

    [Fact]
    public void A_new_face_regroups_only_the_faces_it_is_linked_to()
    {
        var people = SyntheticPeople.Make([6, 4, 5]);
        var clusters = new IncrementalClusterer(new ClusteringOptions(ClusteringMethod.AverageLinkage, 0.7f));
        foreach (var encoding in people.Encodings) clusters.Add(encoding);
        Assert.Equal(3, clusters.Assignment.Clusters.Count);

        // One more face of the second person (faces 6-9): only that person's faces are grouped again.
        // (The same seed draws the same people; the 5th face of person 1 is new.)
        var another = SyntheticPeople.Make([6, 5], seed: 1).Encodings[10];
        var face = clusters.Add(another);
        Assert.Equal(1, clusters.ClusterOf(face));
        Assert.Equal(5, clusters.LastRegrouped);

        // A face like nobody else's starts a group of its own (unassigned until it has company).
        var stranger = SyntheticPeople.UnitVector(new Random(99), 32).Select(x => (float)x).ToArray();
        var alone = clusters.Add(stranger);
        Assert.Equal(ClusterAssignment.Unassigned, clusters.ClusterOf(alone));
        Assert.Equal(1, clusters.LastRegrouped);
        var companion = clusters.Add(stranger.Select(x => x + 0.001f).ToArray());
        Assert.Equal(3, clusters.ClusterOf(alone));
        Assert.Equal(3, clusters.ClusterOf(companion));
    }

    [Fact]
    public void A_face_linking_two_groups_regroups_both_as_one_component()
    {
        var clusters = new IncrementalClusterer(new ClusteringOptions(ClusteringMethod.ChineseWhispers, 0.5f));
        foreach (var x in new[] { 0f, 0.1f, 0.2f, 1.0f, 1.1f, 1.2f }) clusters.Add([x]);
        Assert.Equal(2, clusters.Assignment.Clusters.Count);

        clusters.Add([0.6f]);

        Assert.Equal(7, clusters.LastRegrouped);
        Assert.Equal(FaceClusterer.Cluster([[0f], [0.1f], [0.2f], [1.0f], [1.1f], [1.2f], [0.6f]], clusters.Options).Labels,
            clusters.Assignment.Labels);
    }
}
