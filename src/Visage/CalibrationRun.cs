using System.Globalization;
using Visage.Recognition;

namespace Visage;

/// <summary>Calibration from labelled photos: encode each subject once (cached), pair them, pick the threshold.</summary>
internal static class CalibrationRun
{
    public static void CheckRate(double falseAcceptRate)
    {
        if (!(falseAcceptRate is > 0 and < 1))
            throw new InvalidSettingException(VisageSetting.FalseAcceptRate,
                $"a false-accept rate between 0 and 1 is needed, not {falseAcceptRate}");
    }

    public static CalibrationResult OnFolder(FaceRecognizer recognizer, string folder, double far,
        IProgress<(int, int)>? progress, CancellationToken ct)
    {
        if (!Directory.Exists(folder)) throw new VisageException($"{folder}: no such folder of labelled photos");
        var sources = EnrollmentSources.Find([folder], ct: ct).Where(s => s.Problem is null).ToList();
        var encodings = recognizer.EncodeSubjects(sources.Select(s => s.Path).ToList(), progress, ct);
        var photos = sources.Select((s, i) => (PersonName.TryNormalize(s.Identity, out var name, out _) ? name : s.Identity,
            encodings[i].Embedding)).ToList();
        return Calibrate(Calibration.AllPairs(photos), far, Fallbacks(encodings));
    }

    public static CalibrationResult OnPairs(FaceRecognizer recognizer, IReadOnlyList<ImagePair> pairs, double far,
        IProgress<(int, int)>? progress, CancellationToken ct)
    {
        var images = pairs.SelectMany(p => new[] { p.First, p.Second }).Distinct(StringComparer.Ordinal).ToList();
        var encodings = recognizer.EncodeSubjects(images, progress, ct);
        var byPath = new Dictionary<string, float[]>(StringComparer.Ordinal);
        for (var i = 0; i < images.Count; i++) byPath[images[i]] = encodings[i].Embedding;
        var distances = pairs.Select(p => new LabelledDistance(
            FaceDistance.Euclidean(byPath[p.First], byPath[p.Second]), p.SamePerson)).ToList();
        return Calibrate(distances, far, Fallbacks(encodings));
    }

    /// <summary>The threshold for the rate, with the note a gallery keeps of how it was chosen.</summary>
    public static CalibrationResult Calibrate(IReadOnlyList<LabelledDistance> distances, double far,
        IReadOnlyList<string> fallbacks)
    {
        CheckRate(far);
        var result = Calibration.Calibrate(distances, far);
        var note = string.Create(CultureInfo.InvariantCulture,
            $"calibrated {DateTimeOffset.UtcNow:yyyy-MM-dd} for FAR {far:G3} on {result.SamePairs} same / " +
            $"{result.DifferentPairs} different pairs: TAR {result.Chosen.TrueAcceptRate:P2}, FAR {result.Chosen.FalseAcceptRate:P3}");
        return result with { CentralBoxFallbacks = fallbacks, Note = note };
    }

    private static IReadOnlyList<string> Fallbacks(IReadOnlyList<SubjectEncoding> encodings) =>
        encodings.Where(e => e.Source == SubjectSource.CentralBox).Select(e => e.Path).ToList();
}
