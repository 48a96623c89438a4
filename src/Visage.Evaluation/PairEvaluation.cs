using Visage.Recognition;

namespace Visage.Evaluation;

/// <summary>
/// Measures a pipeline on labelled pairs, as the LFW protocol does: with a training file, the threshold is
/// the best-accuracy one on its pairs and accuracy is measured on the test pairs; otherwise a k-fold
/// cross-validation over the test pairs. Each distinct image is encoded once, on every core (see
/// <see cref="FaceRecognizer.EncodeSubjects"/>).
/// </summary>
public sealed class PairEvaluation(FaceRecognizer recognizer)
{
    public static readonly double[] ReportedFalseAcceptRates = [1e-3, 1e-2];

    public EvaluationReport Run(EvaluationRequest request, IProgress<(int Done, int Total)>? progress = null,
        CancellationToken ct = default)
    {
        var testPairs = LfwPairs.Read(request.PairsFile, request.ImagesFolder);
        var trainPairs = request.TrainFile is null ? [] : LfwPairs.Read(request.TrainFile, request.ImagesFolder);
        if (testPairs.Count == 0) throw new VisageException($"{request.PairsFile}: no pairs in it");
        if (request.TrainFile is not null && trainPairs.Count == 0)
            throw new VisageException($"{request.TrainFile}: no pairs in it");

        var images = testPairs.Concat(trainPairs).SelectMany(p => new[] { p.First, p.Second })
            .Distinct(StringComparer.Ordinal).ToList();
        var encoded = recognizer.EncodeSubjects(images, progress, ct);
        var encodings = images.Select((path, i) => (path, encoded[i]))
            .ToDictionary(x => x.path, x => x.Item2, StringComparer.Ordinal);

        LabelledDistance Distance(ImagePair p) =>
            new(FaceDistance.Euclidean(encodings[p.First].Embedding, encodings[p.Second].Embedding), p.SamePerson);
        var fallbacks = encodings.Values.Where(e => e.Source == SubjectSource.CentralBox)
            .Select(e => e.Path).Order(StringComparer.Ordinal).ToList();
        return Summarise(recognizer.ModelId, request, testPairs.Select(Distance).ToList(),
            request.TrainFile is null ? null : trainPairs.Select(Distance).ToList(), images.Count, fallbacks);
    }

    /// <summary>
    /// The report of labelled test distances: with training distances, the threshold is their best-accuracy one;
    /// without, a cross-validation over the test pairs.
    /// </summary>
    internal static EvaluationReport Summarise(string modelId, EvaluationRequest request, List<LabelledDistance> test,
        List<LabelledDistance>? train, int images, List<string> fallbacks)
    {
        var metrics = new VerificationMetrics(test);
        float threshold;
        double accuracy;
        double? deviation = null, trainAccuracy = null;
        IReadOnlyList<FoldResult> folds = [];
        string protocol;
        if (train is not null)
        {
            var choice = ThresholdSelection.BestAccuracy(train);
            threshold = choice.Threshold;
            trainAccuracy = choice.Accuracy;
            accuracy = ThresholdSelection.Accuracy(test, threshold);
            protocol = "threshold from training pairs";
        }
        else
        {
            var split = CrossValidation.Split(test, d => d.SamePerson, request.Folds, LfwPairs.ReadLayout(request.PairsFile));
            folds = CrossValidation.Run(split);
            (accuracy, var sd) = CrossValidation.Summarise(folds);
            deviation = sd;
            threshold = ThresholdSelection.BestAccuracy(test).Threshold;
            protocol = $"{folds.Count}-fold cross-validation";
        }

        return new EvaluationReport(
            modelId, request.PairsFile, request.TrainFile, protocol, test.Count, images, fallbacks,
            accuracy, deviation, threshold, trainAccuracy, folds,
            metrics.AreaUnderCurve(), metrics.EqualErrorRate(),
            ReportedFalseAcceptRates.Select(far => TargetOperatingPoint.Of(metrics, far)).ToList(),
            test, metrics.RocCurve());
    }
}
