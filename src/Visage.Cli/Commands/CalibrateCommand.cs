using System.CommandLine;
using System.Globalization;
using Spectre.Console;
using Visage.Recognition;
using Visage.Evaluation;
using Visage.Storage;

namespace Visage.Cli.Commands;

internal static class CalibrateCommand
{
    public static Command Create()
    {
        var known = new Option<string?>("--known")
        {
            Description = "Folder of labelled photos, FOLDER/NAME/*.jpg, several per person",
        };
        var pairs = new Option<string?>("--pairs") { Description = "Labelled pairs (LFW format) instead of a folder" };
        var images = new Option<string?>("--images") { Description = "Folder of the pairs' images" };
        var far = new Option<double>("--far")
        {
            Description = "False-accept rate to aim for: the share of strangers you accept being taken for someone",
            DefaultValueFactory = _ => 1e-3,
        };
        var plot = new Option<string>("--plot")
        {
            Description = "Where to write the PNG of the two distance distributions",
            DefaultValueFactory = _ => "calibration.png",
        };
        var command = new Command("calibrate",
            "Choose the threshold for a target false-accept rate from labelled photos and store it in the gallery")
        {
            known, pairs, images, far, plot, CommonOptions.Db, CommonOptions.Json,
        };
        command.Validators.Add(result =>
        {
            var hasKnown = result.GetResult(known) is not null;
            var hasPairs = result.GetResult(pairs) is not null;
            if (hasKnown == hasPairs)
                result.AddError("give either --known FOLDER or --pairs FILE --images DIR");
            else if (hasPairs && result.GetResult(images) is null)
                result.AddError("--pairs needs --images DIR");
        });
        command.SetAction(CliRun.Action(async (run, ct) =>
        {
            var result = run.Result;
            var target = result.GetValue(far);
            if (!(target > 0 && target < 1))
                throw new VisageException($"--far: a false-accept rate between 0 and 1 is needed, not {target}");
            var db = result.GetValue(CommonOptions.Db)!;
            var plotPath = result.GetValue(plot)!;

            using var pipeline = await run.LoadPipelineAsync(ct, bulk: true);
            // A gallery of another model is refused before the photos are encoded, not after.
            if (File.Exists(db))
                using (await SqliteGallery.OpenAsync(db, pipeline.ModelId, pipeline.Dimensions, GalleryOpenMode.MustExist, ct)) { }
            using var cache = EmbeddingCache.Open(Path.Combine(run.Home.Root, "encodings.db"));
            var encoder = new SubjectEncoder(pipeline, cache, CommonOptions.Limits(result));
            var distances = result.GetValue(known) is { } folder
                ? await run.WithProgressAsync("encoding photos", p => Task.Run(() => FromFolder(encoder, folder, p, ct), ct))
                : await run.WithProgressAsync("encoding photos",
                    p => Task.Run(() => FromPairs(encoder, result.GetValue(pairs)!, result.GetValue(images)!, p, ct), ct));

            var calibration = Calibration.Calibrate(distances, target);
            DistancePlots.WriteDistributions(plotPath, calibration.Distances, calibration.Chosen.Threshold,
                $"{pipeline.ModelId}: calibrated for a false-accept rate of {target:G3}");

            using var gallery = await SqliteGallery.OpenAsync(db, pipeline.ModelId, pipeline.Dimensions,
                GalleryOpenMode.CreateIfMissing, ct);
            var note = string.Create(CultureInfo.InvariantCulture,
                $"calibrated {DateTimeOffset.UtcNow:yyyy-MM-dd} for FAR {target:G3} on {calibration.SamePairs} same / " +
                $"{calibration.DifferentPairs} different pairs: TAR {calibration.Chosen.TrueAcceptRate:P2}, FAR {calibration.Chosen.FalseAcceptRate:P3}");
            await gallery.SetThresholdAsync(new GalleryThreshold(calibration.Chosen.Threshold, note), ct);

            if (run.Json)
            {
                run.WriteJson(new
                {
                    Db = db, Model = pipeline.ModelId, calibration.TargetFalseAcceptRate,
                    Threshold = calibration.Chosen.Threshold, calibration.Chosen.TrueAcceptRate,
                    calibration.Chosen.FalseAcceptRate, BestAccuracyThreshold = calibration.BestAccuracy.Threshold,
                    BestAccuracy = calibration.BestAccuracy.Accuracy, calibration.SamePairs, calibration.DifferentPairs,
                    Plot = plotPath,
                });
            }
            else
            {
                run.Out.MarkupLineInterpolated(
                    $"threshold [green]{calibration.Chosen.Threshold:0.####}[/] for a false-accept rate of {target:G3}: accepts {calibration.Chosen.TrueAcceptRate:P2} of same-person pairs, {calibration.Chosen.FalseAcceptRate:P3} of different-person pairs");
                run.Out.MarkupLineInterpolated(
                    $"best accuracy would be {calibration.BestAccuracy.Accuracy:P2} at {calibration.BestAccuracy.Threshold:0.####} ({calibration.SamePairs} same-person and {calibration.DifferentPairs} different-person pairs)");
                run.Out.MarkupLineInterpolated($"stored in {db}; plot: {plotPath}");
            }
            return CliRun.Success;
        }));
        return command;
    }

    private static IReadOnlyList<LabelledDistance> FromFolder(SubjectEncoder encoder, string folder,
        IProgress<(int, int)> progress, CancellationToken ct)
    {
        if (!Directory.Exists(folder)) throw new VisageException($"{folder}: no such folder of labelled photos");
        var sources = EnrollmentSources.Find([folder]);
        var encodings = encoder.EncodeAll(sources.Select(s => s.Path).ToList(), CliRun.Workers, progress, ct);
        return Calibration.AllPairs(sources.Select((s, i) => (s.Identity, encodings[i].Embedding)).ToList());
    }

    private static IReadOnlyList<LabelledDistance> FromPairs(SubjectEncoder encoder, string pairsFile, string images,
        IProgress<(int, int)> progress, CancellationToken ct)
    {
        var pairs = LfwPairs.Read(pairsFile, images);
        var photos = pairs.SelectMany(p => new[] { p.First, p.Second }).Distinct(StringComparer.Ordinal).ToList();
        var encodings = encoder.EncodeAll(photos, CliRun.Workers, progress, ct)
            .ToDictionary(e => e.Path, e => e.Embedding, StringComparer.Ordinal);
        return pairs.Select(p => new LabelledDistance(
            FaceDistance.Euclidean(encodings[p.First], encodings[p.Second]), p.SamePerson)).ToList();
    }
}
