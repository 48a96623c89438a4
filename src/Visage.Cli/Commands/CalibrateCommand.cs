using System.CommandLine;
using Spectre.Console;
using Visage.Evaluation;
using Visage.Json;
using Visage.Recognition;

namespace Visage.Cli.Commands;

internal static class CalibrateCommand
{
    public static Command Create()
    {
        var known = new Option<string?>("--known")
        {
            HelpName = "FOLDER",
            Description = "Folder of labelled photos, FOLDER/NAME/*.jpg, several per person",
        };
        var pairs = new Option<string?>("--pairs") { Description = "Labelled pairs (LFW format) instead of a folder" };
        var images = new Option<string?>("--images") { Description = "Folder of the pairs' images" };
        var enrolled = new Option<bool>("--enrolled") { Description = "Calibrate on the people enrolled in the gallery" };
        var far = CommonOptions.NumberOption("--far",
            "False-accept rate to aim for: the share of strangers you accept being taken for someone", 1e-3);
        var plot = new Option<string>("--plot")
        {
            Description = "Where to write the PNG of the two distance distributions",
            DefaultValueFactory = _ => "calibration.png",
        };
        var command = new Command("calibrate",
            "Choose the threshold for a target false-accept rate from labelled photos and store it in the gallery")
        {
            known, pairs, images, enrolled, far, plot, CommonOptions.Db, CommonOptions.Json,
        };
        command.Validators.Add(result =>
        {
            var given = new[] { result.GetResult(known) is not null, result.GetResult(pairs) is not null,
                result.GetResult(enrolled) is not null }.Count(x => x);
            if (given != 1)
                result.AddError("give one of --known FOLDER, --pairs FILE --images DIR, or --enrolled");
            else if (result.GetResult(pairs) is not null && result.GetResult(images) is null)
                result.AddError("--pairs needs --images DIR");
        });
        command.SetAction(CliRun.Action(async (run, ct) =>
        {
            var result = run.Result;
            var target = result.GetValue(far);
            var db = result.GetValue(CommonOptions.Db)!;
            var plotPath = result.GetValue(plot)!;
            CalibrationPhotos photos = result.GetValue(known) is { } folder ? new CalibrationPhotos.Folder(folder)
                : result.GetValue(pairs) is { } pairsFile ? new CalibrationPhotos.Pairs(LfwPairs.Read(pairsFile, result.GetValue(images)!))
                : new CalibrationPhotos.Enrolled();
            if (photos is CalibrationPhotos.Folder { Path: var f } && !Directory.Exists(f))
                throw new VisageException($"{f}: no such folder of labelled photos");

            var plotFolder = Path.GetDirectoryName(Path.GetFullPath(plotPath))!;
            if (!Directory.Exists(plotFolder) || Directory.Exists(plotPath))
                throw new UsageException($"--plot {plotPath}: cannot write a PNG there");

            using var recognizer = await run.LoadRecognizerAsync(ct, bulk: true);
            // An existing gallery is opened (and one of another pipeline refused) before any photo is encoded; a new
            // one is created only once there is a threshold to store in it.
            var stored = People.Exists(db) || photos is CalibrationPhotos.Enrolled;
            var people = stored ? await People.OpenAsync(recognizer, db, ct: ct) : null;
            try
            {
                var calibration = await run.WithProgressAsync("encoding photos", progress => people is not null
                    ? people.CalibrateAsync(photos, target, progress, ct)
                    : recognizer.CalibrateAsync(photos, target, progress, ct));
                if (people is null)
                {
                    people = await People.OpenAsync(recognizer, db, new PeopleOptions { CreateIfMissing = true }, ct: ct);
                    await people.StoreCalibrationAsync(calibration, ct);
                }
                Report(run, db, plotPath, target, recognizer, people, calibration);
            }
            finally
            {
                people?.Dispose();
            }
            return ExitCodes.Success;
        }));
        return command;
    }

    private static void Report(CliRun run, string db, string plotPath, double target, FaceRecognizer recognizer,
        People people, CalibrationResult calibration)
    {
        DistancePlots.WriteDistributions(plotPath, calibration.Distances, calibration.Chosen.Threshold,
            $"{recognizer.ModelId}: calibrated for a false-accept rate of {target:G3}");
        foreach (var fallback in calibration.CentralBoxFallbacks)
            run.Warn($"{fallback}: no face found; its central box was encoded instead");

        if (run.Json)
        {
            run.WriteJson(CalibrationJson.From(People.Shown(db), recognizer.Fingerprint, people.Threshold, calibration, plotPath));
        }
        else
        {
            run.Out.MarkupLineInterpolated(
                $"threshold [green]{calibration.Chosen.Threshold:0.####}[/] for a false-accept rate of {target:G3}: accepts {calibration.Chosen.TrueAcceptRate:P2} of same-person pairs, {calibration.Chosen.FalseAcceptRate:P3} of different-person pairs");
            run.Out.MarkupLineInterpolated(
                $"best accuracy would be {calibration.BestAccuracy.Accuracy:P2} at {calibration.BestAccuracy.Threshold:0.####} ({calibration.SamePairs} same-person and {calibration.DifferentPairs} different-person pairs)");
            if (calibration.CentralBoxFallbacks.Count > 0)
                run.Out.MarkupLineInterpolated($"no face found in {calibration.CentralBoxFallbacks.Count} photos: their central box was encoded instead");
            run.Out.MarkupLineInterpolated($"stored in {CliRun.Safe(People.Shown(db))}; plot: {CliRun.Safe(plotPath)}");
        }
    }
}
