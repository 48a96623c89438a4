using System.Globalization;
using Visage.Evaluation.Clustering;
using Visage.Recognition.Clustering;
using Visage.Tests.Integration;
using Visage.Tests.TestData;
using Xunit.Abstractions;

namespace Visage.Tests.Clustering;

/// <summary>Clustering the subjects of LFW photos (the first 150 people with two or more photos).</summary>
[Collection(IntegrationCollection.Name)]
public sealed class LfwClusteringTests(PipelineFixture fixture, ITestOutputHelper output)
{
    private const int People = 150;

    [Theory]
    [MemberData(nameof(FaceClustererTests.Methods), MemberType = typeof(FaceClustererTests))]
    public void Faces_added_one_at_a_time_in_any_order_give_the_groups_of_clustering_them_all_at_once(string methodName)
    {
        var method = Enum.Parse<ClusteringMethod>(methodName);
        var (encodings, _) = Subjects();
        var options = ClusteringOptions.FromMatchThreshold(fixture.Pack.DefaultThreshold, method);
        var order = Enumerable.Range(0, encodings.Count).ToArray();
        new Random(8).Shuffle(order);

        var batch = FaceClusterer.Cluster(encodings, options);
        var incremental = new IncrementalClusterer(options);
        var regrouped = 0L;
        foreach (var face in order)
        {
            incremental.Add(encodings[face]);
            _ = incremental.Assignment; // read after every face, as a service showing the groups would
            regrouped += incremental.LastRegrouped;
        }

        output.WriteLine($"{method}: {encodings.Count} faces, {batch.Clusters.Count} clusters, {batch.Outliers.Count} unassigned; " +
                         $"incremental regrouped {(double)regrouped / encodings.Count:0.0} faces per face added");
        Assert.True(batch.Clusters.Count > People / 2, $"only {batch.Clusters.Count} clusters for {People} people");
        Assert.Equal(Groups.Of(batch), Groups.Of(incremental.Assignment, i => order[i]));
    }

    [Fact]
    public void The_default_method_groups_LFW_people_with_high_precision_and_recall()
    {
        var (encodings, person) = Subjects();
        var options = ClusteringOptions.FromMatchThreshold(fixture.Pack.DefaultThreshold);

        var found = FaceClusterer.Cluster(encodings, options);

        var pairwise = ClusteringMetrics.Pairwise(found.Labels, person);
        var bcubed = ClusteringMetrics.BCubed(found.Labels, person);
        output.WriteLine($"{options.Method} at {F(options.Threshold)}: {found.Clusters.Count} clusters for {People} people, " +
                         $"{found.Outliers.Count} of {encodings.Count} faces unassigned; pairwise P {F(pairwise.Precision)} " +
                         $"R {F(pairwise.Recall)} F1 {F(pairwise.F1)}; BCubed P {F(bcubed.Precision)} R {F(bcubed.Recall)}");
        Assert.True(pairwise.Precision >= 0.98, $"pairwise precision {F(pairwise.Precision)} under 0.98");
        Assert.True(bcubed.Precision >= 0.98, $"BCubed precision {F(bcubed.Precision)} under 0.98");
        Assert.True(pairwise.Recall >= 0.95, $"pairwise recall {F(pairwise.Recall)} under 0.95");
    }

    private (List<float[]> Encodings, List<int> Person) Subjects()
    {
        var encodings = new List<float[]>();
        var person = new List<int>();
        var names = Lfw.PeopleWithTwoPhotos(People);
        for (var p = 0; p < names.Count; p++)
        {
            foreach (var photo in Lfw.PhotosOf(names[p]))
            {
                encodings.Add(fixture.SubjectOf(photo).Embedding);
                person.Add(p);
            }
        }
        return (encodings, person);
    }

    private static string F(double value) => value.ToString("0.000", CultureInfo.InvariantCulture);
}
