using Visage.Recognition.Clustering;

namespace Visage.Tests.Clustering;

public sealed class FaceClustererTests
{
    // By name: theory parameters must be public types, and the clustering types are internal.
    public static TheoryData<string> Methods() =>
        [nameof(ClusteringMethod.ChineseWhispers), nameof(ClusteringMethod.Dbscan), nameof(ClusteringMethod.AverageLinkage)];

    // Same-person faces are about 0.4 apart (noise 0.05 in 32 dimensions), different people about 1.4.
    private const float Threshold = 0.7f;

    [Theory]
    [MemberData(nameof(Methods))]
    public void Generated_people_are_found_exactly_and_outliers_left_unassigned(string methodName)
    {
        var method = Enum.Parse<ClusteringMethod>(methodName);
        var people = SyntheticPeople.Make([6, 2, 9, 3, 4, 12, 2, 5], outliers: 5);

        var found = FaceClusterer.Cluster(people.Encodings, new ClusteringOptions(method, Threshold));

        Assert.Equal(people.TrueGroups(), Groups.Of(found));
        Assert.Equal(Enumerable.Range(0, people.Person.Count).Where(i => people.Person[i] < 0), found.Outliers);
    }

    [Theory]
    [MemberData(nameof(Methods))]
    public void Clusters_are_numbered_in_order_of_their_first_face(string methodName)
    {
        var method = Enum.Parse<ClusteringMethod>(methodName);
        var people = SyntheticPeople.Make([3, 4, 2], outliers: 1);
        // Arrival order: a face of person 2 first, then person 0, then the outlier, then the rest.
        int[] order = [7, 0, 9, 1, 2, 3, 4, 5, 6, 8];

        var found = FaceClusterer.Cluster(order.Select(i => people.Encodings[i]).ToList(), new ClusteringOptions(method, Threshold));

        Assert.Equal([0, 1, -1, 1, 1, 2, 2, 2, 2, 0], found.Labels);
    }

    [Theory]
    [MemberData(nameof(Methods))]
    public void The_same_faces_in_any_order_give_the_same_groups(string methodName)
    {
        var method = Enum.Parse<ClusteringMethod>(methodName);
        // People close enough (noise 0.12) that some strangers fall within the threshold: a graph with real choices.
        var people = SyntheticPeople.Make([5, 7, 3, 8, 6, 4, 9, 2], outliers: 6, dimensions: 16, noise: 0.12, seed: 3);
        var options = new ClusteringOptions(method, 0.9f);
        var order = Enumerable.Range(0, people.Encodings.Count).ToArray();
        new Random(5).Shuffle(order);

        var first = FaceClusterer.Cluster(people.Encodings, options);
        var shuffled = FaceClusterer.Cluster(order.Select(i => people.Encodings[i]).ToList(), options);

        Assert.Equal(Groups.Of(first), Groups.Of(shuffled, i => order[i]));
        Assert.Equal(first.Labels, FaceClusterer.Cluster(people.Encodings, options).Labels);
    }

    [Theory]
    [InlineData(nameof(ClusteringMethod.ChineseWhispers))]
    [InlineData(nameof(ClusteringMethod.AverageLinkage))]
    public void Two_people_joined_by_one_in_between_face_stay_two(string methodName)
    {
        var method = Enum.Parse<ClusteringMethod>(methodName);
        // Ten faces each at x = -0.5 and x = +0.5 (a little spread in y), and one face at x = 0 within the threshold
        // of one face of each side: one connected component, two people.
        var encodings = new List<float[]>();
        for (var i = 0; i < 10; i++) encodings.Add([-0.5f - 0.01f * i, 0.02f * i]);
        for (var i = 0; i < 10; i++) encodings.Add([0.5f + 0.01f * i, 0.02f * i]);
        encodings.Add([0f, 0f]);
        var options = new ClusteringOptions(method, 0.51f);
        Assert.Single(NeighbourGraph.Build(encodings, options.Threshold).Components());

        var found = FaceClusterer.Cluster(encodings, options);

        var left = string.Join(',', Enumerable.Range(0, 10));
        var right = string.Join(',', Enumerable.Range(10, 10));
        var groups = Groups.Of(found);
        Assert.Equal(2, groups.Count);
        Assert.Contains(groups, g => g == left || g == left + ",20");
        Assert.Contains(groups, g => g == right || g == string.Join(',', Enumerable.Range(10, 11)));
    }

    [Fact]
    public void Dbscan_leaves_a_face_with_too_few_neighbours_unassigned_and_a_border_face_joins_its_nearest_core()
    {
        // 0-3 dense; 4 is within the threshold of face 3 only (a border face); 5 and 6 are a pair on their own.
        float[][] encodings = [[0f], [0.1f], [0.2f], [0.3f], [0.75f], [5f], [5.4f]];
        var options = new ClusteringOptions(ClusteringMethod.Dbscan, 0.5f, MinClusterSize: 1, MinNeighbours: 3);

        var found = FaceClusterer.Cluster(encodings, options);

        Assert.Equal([0, 0, 0, 0, 0, -1, -1], found.Labels);
    }

    [Fact]
    public void Groups_under_the_minimum_size_are_unassigned()
    {
        var people = SyntheticPeople.Make([2, 3, 4]);
        var options = new ClusteringOptions(ClusteringMethod.AverageLinkage, Threshold, MinClusterSize: 3);

        var found = FaceClusterer.Cluster(people.Encodings, options);

        Assert.Equal(["2,3,4", "5,6,7,8"], Groups.Of(found).Order());
        Assert.Equal([0, 1], found.Outliers);
    }

    [Fact]
    public void No_faces_give_no_clusters()
    {
        var found = FaceClusterer.Cluster([], new ClusteringOptions(ClusteringMethod.ChineseWhispers, Threshold));

        Assert.Empty(found.Labels);
        Assert.Empty(found.Clusters);
    }

    [Fact]
    public void Encodings_of_different_lengths_are_refused()
    {
        var error = Assert.Throws<ArgumentException>(() =>
            FaceClusterer.Cluster([new float[4], new float[3]], new ClusteringOptions(ClusteringMethod.Dbscan, Threshold)));
        Assert.Contains("encoding 1 has 3 numbers, encoding 0 has 4", error.Message);
    }

    [Theory]
    [InlineData(0f, 2, 2, 100)]
    [InlineData(float.NaN, 2, 2, 100)]
    [InlineData(0.5f, 0, 2, 100)]
    [InlineData(0.5f, 2, 0, 100)]
    [InlineData(0.5f, 2, 2, 0)]
    public void Options_out_of_range_are_refused_by_name(float threshold, int minSize, int minNeighbours, int passes)
    {
        var options = new ClusteringOptions(ClusteringMethod.ChineseWhispers, threshold, minSize, minNeighbours, passes);

        Assert.Throws<ArgumentOutOfRangeException>(() => FaceClusterer.Cluster([new float[2]], options));
    }

    [Fact]
    public void The_threshold_derived_from_a_verification_threshold_is_the_default_fraction_of_it()
    {
        var options = ClusteringOptions.FromMatchThreshold(0.5f);

        Assert.Equal(0.5f * ClusteringOptions.DefaultThresholdRatio, options.Threshold);
        Assert.Equal(ClusteringOptions.DefaultMethod, options.Method);
    }
}
