using System.Globalization;
using Visage.Models;
using Visage.Recognition;
using Visage.Evaluation;
using Visage.Tests.TestData;
using Xunit.Abstractions;

namespace Visage.Tests.Integration;

/// <summary>
/// The product's own evaluation (visage evaluate's code) on LFW View 1 for the single-model packs the
/// default fuses: each must keep the accuracy it was accepted with, at its catalogue threshold too.
/// </summary>
[Collection(IntegrationCollection.Name)]
public sealed class PackEvaluationTests(ITestOutputHelper output)
{
    [Theory]
    [InlineData("faceplugin", 0.98)]
    [InlineData("face-api-resnet34", 0.98)]
    [InlineData("faceplugin-fast", 0.99)]
    public async Task DevTest_accuracy_with_the_DevTrain_threshold(string packId, double atLeast)
    {
        var pack = ModelCatalog.Get(packId);
        using var recognizer = await FaceRecognizer.LoadAsync(new RecognizerOptions { Model = packId, Threads = 1 });
        var evaluation = new PairEvaluation(recognizer);

        var report = evaluation.Run(new EvaluationRequest(SharedData.LfwPairsDevTest, SharedData.LfwImages,
            SharedData.LfwPairsDevTrain));

        output.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"{packId}: DevTest {report.Accuracy:P2} at DevTrain threshold {report.Threshold:0.0000} " +
            $"(DevTrain {report.TrainAccuracy:P2}); AUC {report.AreaUnderCurve:0.0000}, EER {report.EqualErrorRate:P2}, " +
            $"TAR@FAR1e-2 {report.OperatingPoints[1].TrueAcceptRate:P2}; no face in {report.CentralBoxFallbacks.Count} images"));
        Assert.Equal(1000, report.Pairs);
        // 500 different-person pairs cannot measure a false-accept rate of 1e-3.
        Assert.Equal(TargetOperatingPoint.NotEnoughPairs, report.OperatingPoints[0].Status);
        Assert.Equal(TargetOperatingPoint.Measured, report.OperatingPoints[1].Status);
        Assert.True(report.Accuracy >= atLeast, $"{packId}: DevTest accuracy {report.Accuracy:P2} under {atLeast:P0}");
        Assert.InRange(pack.DefaultThreshold, report.Threshold - 0.02f, report.Threshold + 0.02f);
    }
}
