using Visage.Recognition;

namespace Visage.Evaluation;

/// <summary>
/// Measures a fusion of encoders on labelled pairs: each part encodes every image on its own (its encodings
/// cached under its own model, so a part evaluated before costs nothing), the weights are searched on the
/// training pairs alone (<see cref="FusionSearch"/>), and the fused distances are evaluated as
/// <c>visage evaluate</c> evaluates a pack: threshold from the training pairs, accuracy on the test pairs.
/// </summary>
public sealed class FusionEvaluation(IReadOnlyList<FaceRecognizer> parts)
{
    public FusionReport Run(EvaluationRequest request, double step = FusionSearch.DefaultStep,
        IProgress<(int Done, int Total)>? progress = null, CancellationToken ct = default)
    {
        if (parts.Count < 2) throw new VisageException("a fusion needs at least two model packs");
        if (request.TrainFile is null) throw new VisageException("a fusion's weights are searched on training pairs: give them");
        var testPairs = LfwPairs.Read(request.PairsFile, request.ImagesFolder);
        var trainPairs = LfwPairs.Read(request.TrainFile, request.ImagesFolder);
        if (testPairs.Count == 0) throw new VisageException($"{request.PairsFile}: no pairs in it");
        if (trainPairs.Count == 0) throw new VisageException($"{request.TrainFile}: no pairs in it");

        var images = testPairs.Concat(trainPairs).SelectMany(p => new[] { p.First, p.Second })
            .Distinct(StringComparer.Ordinal).ToList();
        var encodings = new List<Dictionary<string, SubjectEncoding>>();
        for (var k = 0; k < parts.Count; k++)
        {
            var offset = k * images.Count;
            var encoded = parts[k].EncodeSubjects(images,
                progress is null ? null : new Offset(progress, offset, parts.Count * images.Count), ct);
            encodings.Add(images.Select((path, i) => (path, encoded[i]))
                .ToDictionary(x => x.path, x => x.Item2, StringComparer.Ordinal));
        }

        IReadOnlyList<IReadOnlyList<float>> Squared(IReadOnlyList<ImagePair> pairs) => encodings
            .Select(e => (IReadOnlyList<float>)pairs.Select(p => SquaredDistance(e[p.First].Embedding, e[p.Second].Embedding)).ToList())
            .ToList();
        var trainSame = trainPairs.Select(p => p.SamePerson).ToList();
        var weights = FusionSearch.Search(Squared(trainPairs), trainSame, step);
        var asDouble = weights.Weights.Select(w => (double)w).ToList();

        var modelId = "fusion of " + string.Join(" + ", parts.Select((p, k) => $"{p.ModelId} x {weights.Weights[k]:0.0000}"));
        // An image counts as a fallback when any part had to encode the central box.
        var fallbacks = images.Where(path => encodings.Any(e => e[path].Source == SubjectSource.CentralBox))
            .Order(StringComparer.Ordinal).ToList();
        var report = PairEvaluation.Summarise(modelId, request,
            FusionSearch.Fuse(Squared(testPairs), testPairs.Select(p => p.SamePerson).ToList(), asDouble),
            FusionSearch.Fuse(Squared(trainPairs), trainSame, asDouble), images.Count, fallbacks);
        return new FusionReport(parts.Select(p => p.ModelId).ToList(), weights, report);
    }

    /// <summary>One part's progress as part of the whole run.</summary>
    private sealed class Offset(IProgress<(int Done, int Total)> progress, int offset, int total) : IProgress<(int Done, int Total)>
    {
        public void Report((int Done, int Total) value) => progress.Report((offset + value.Done, total));
    }

    private static float SquaredDistance(float[] a, float[] b)
    {
        var d = FaceDistance.Euclidean(a, b);
        return d * d;
    }
}
