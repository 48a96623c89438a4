using Visage.Evaluation;
using System.Globalization;
using Visage.Recognition;
using Visage.Tests.TestData;
using Xunit.Abstractions;

namespace Visage.Tests.Integration;

/// <summary>LFW View 1: the threshold chosen on pairsDevTrain, the accuracy measured on pairsDevTest.</summary>
[Collection(IntegrationCollection.Name)]
public sealed class LfwVerificationTests(PipelineFixture fixture, ITestOutputHelper output)
{
    [Fact]
    public void Default_pack_DevTest_accuracy_at_the_DevTrain_threshold_is_at_least_99_percent()
    {
        var train = Distances(SharedData.LfwPairsDevTrain);
        var test = Distances(SharedData.LfwPairsDevTest);
        var choice = ThresholdSelection.BestAccuracy(train);
        var accuracy = ThresholdSelection.Accuracy(test, choice.Threshold);
        var atDefault = ThresholdSelection.Accuracy(test, fixture.Pack.DefaultThreshold);

        output.WriteLine($"pairsDevTrain: {train.Count} pairs, best threshold {F(choice.Threshold)}, accuracy {P(choice.Accuracy)}");
        output.WriteLine($"pairsDevTest:  {test.Count} pairs, accuracy {P(accuracy)} at {F(choice.Threshold)}, " +
                         $"{P(atDefault)} at the catalogue's {F(fixture.Pack.DefaultThreshold)}");
        output.WriteLine($"photos analysed {fixture.PhotosAnalysed}, central-box fallbacks {fixture.CentralBoxFallbacks.Count}" +
                         string.Concat(fixture.CentralBoxFallbacks.Select(p => $"\n  {p}")));

        Assert.Equal(2200, train.Count);
        Assert.Equal(1100, train.Count(d => d.SamePerson));
        Assert.Equal(1000, test.Count);
        Assert.Equal(500, test.Count(d => d.SamePerson));
        Assert.True(accuracy >= 0.99,
            $"pairsDevTest accuracy {P(accuracy)} at the pairsDevTrain threshold {F(choice.Threshold)} is under 99%");
    }

    [Fact]
    public void Catalogue_default_threshold_is_the_one_DevTrain_gives()
    {
        var choice = ThresholdSelection.BestAccuracy(Distances(SharedData.LfwPairsDevTrain));
        output.WriteLine($"pairsDevTrain threshold {F(choice.Threshold)} ({P(choice.Accuracy)}), " +
                         $"catalogue default {F(fixture.Pack.DefaultThreshold)}");

        Assert.InRange(fixture.Pack.DefaultThreshold, choice.Threshold - 0.02f, choice.Threshold + 0.02f);
    }

    private List<LabelledDistance> Distances(string pairsFile)
    {
        var pairs = LfwPairs.Read(pairsFile, SharedData.LfwImages);
        fixture.SubjectsOf(pairs.SelectMany(p => new[] { p.First, p.Second }));
        return pairs
            .Select(pair => new LabelledDistance(
                FaceDistance.Euclidean(fixture.SubjectOf(pair.First).Embedding, fixture.SubjectOf(pair.Second).Embedding),
                pair.SamePerson))
            .ToList();
    }

    private static string F(float value) => value.ToString("0.0000", CultureInfo.InvariantCulture);

    private static string P(double fraction) => fraction.ToString("0.00%", CultureInfo.InvariantCulture);
}
