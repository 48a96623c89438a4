using Visage.Evaluation.Clustering;

namespace Visage.Tests.Clustering;

public sealed class ClusteringMetricsTests
{
    private const int A = 0, B = 1;

    [Fact]
    public void Worked_example_of_two_people_split_across_two_clusters()
    {
        // Faces 0-2 are A, 3-4 are B; the clusters are {0,1} and {2,3,4}.
        int[] truth = [A, A, A, B, B];
        int[] found = [1, 1, 2, 2, 2];

        // Pairs together: {0,1} and three in {2,3,4} = 4; same-person pairs: three of A and one of B = 4;
        // both: {0,1} and {3,4} = 2.
        var pairwise = ClusteringMetrics.Pairwise(found, truth);
        Assert.Equal(0.5, pairwise.Precision, 12);
        Assert.Equal(0.5, pairwise.Recall, 12);
        Assert.Equal(0.5, pairwise.F1, 12);

        // Per face precision: 1, 1, 1/3, 2/3, 2/3 (mean 11/15); recall: 2/3, 2/3, 1/3, 1, 1 (mean 11/15).
        var bcubed = ClusteringMetrics.BCubed(found, truth);
        Assert.Equal(11.0 / 15, bcubed.Precision, 12);
        Assert.Equal(11.0 / 15, bcubed.Recall, 12);
        Assert.Equal(11.0 / 15, bcubed.F1, 12);
    }

    [Fact]
    public void Everyone_in_one_cluster_has_full_recall_and_the_share_of_same_person_pairs_as_precision()
    {
        int[] truth = [A, A, B, B];
        int[] found = [7, 7, 7, 7];

        var pairwise = ClusteringMetrics.Pairwise(found, truth);
        Assert.Equal(2.0 / 6, pairwise.Precision, 12);
        Assert.Equal(1.0, pairwise.Recall, 12);

        var bcubed = ClusteringMetrics.BCubed(found, truth);
        Assert.Equal(0.5, bcubed.Precision, 12);
        Assert.Equal(1.0, bcubed.Recall, 12);
        Assert.Equal(2.0 / 3, bcubed.F1, 12);
    }

    [Fact]
    public void Unassigned_faces_count_as_clusters_of_one()
    {
        int[] truth = [A, A, B];
        int[] found = [-1, -1, -1];

        var pairwise = ClusteringMetrics.Pairwise(found, truth);
        Assert.Equal(1.0, pairwise.Precision, 12); // nothing put together, nothing wrongly together
        Assert.Equal(0.0, pairwise.Recall, 12);
        Assert.Equal(0.0, pairwise.F1, 12);

        // Each face alone: precision 1; recall 1/2, 1/2, 1.
        var bcubed = ClusteringMetrics.BCubed(found, truth);
        Assert.Equal(1.0, bcubed.Precision, 12);
        Assert.Equal(2.0 / 3, bcubed.Recall, 12);
    }

    [Fact]
    public void The_true_clustering_scores_one_whatever_its_numbers()
    {
        int[] truth = [A, B, A, 2, B, 2];
        int[] found = [5, 0, 5, 9, 0, 9];

        Assert.Equal(new PrecisionRecall(1, 1), ClusteringMetrics.Pairwise(found, truth));
        Assert.Equal(new PrecisionRecall(1, 1), ClusteringMetrics.BCubed(found, truth));
    }

    [Fact]
    public void Labels_for_a_different_number_of_faces_are_refused()
    {
        var error = Assert.Throws<ArgumentException>(() => ClusteringMetrics.Pairwise([0, 0], [0, 0, 1]));
        Assert.Contains("2 cluster labels for 3 faces", error.Message);
    }
}
