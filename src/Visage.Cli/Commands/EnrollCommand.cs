using System.CommandLine;
using Spectre.Console;
using Visage.Json;
using Visage.Recognition;

namespace Visage.Cli.Commands;

internal static class EnrollCommand
{
    public static Command Create()
    {
        var paths = new Argument<string[]>("FOLDER|PHOTO")
        {
            Description = "Photos, or folders laid out as FOLDER/NAME.jpg (one photo each) or FOLDER/NAME/*.jpg",
            Arity = ArgumentArity.OneOrMore,
        };
        var name = new Option<string?>("--name") { Description = "Enroll every photo given as this person" };
        var largest = new Option<bool>("--largest")
        {
            Description = "In a photo with several faces, take the biggest instead of skipping the photo",
        };
        var wholeImage = new Option<bool>("--whole-image")
        {
            Description = "Encode each photo whole, without detection (the seed's database of cropped faces)",
        };
        var batch = CommonOptions.NumberOption("--batch-size",
            "Photos per committed batch: an interrupted run keeps every batch before it, and the next run resumes", 100);
        var command = new Command("enroll", "Add the faces of known people to a gallery")
        {
            paths, name, largest, wholeImage, batch, CommonOptions.Db, CommonOptions.Json,
        };
        command.SetAction(CliRun.Action(async (run, ct) =>
        {
            var result = run.Result;
            var options = new EnrollOptions
            {
                Name = result.GetValue(name) is { } given ? PersonName.Normalize(given) : null,
                Largest = result.GetValue(largest),
                WholeImage = result.GetValue(wholeImage),
                BatchSize = result.GetValue(batch),
            };
            var sources = EnrollmentSources.Find(result.GetValue(paths)!, options.Name, ct);
            if (sources.Count == 0)
                throw new VisageException(
                    $"{string.Join(", ", result.GetValue(paths)!)}: no photos (.jpg, .jpeg, .png, .bmp, .webp) found");
            var db = result.GetValue(CommonOptions.Db)!;

            using var recognizer = await run.LoadRecognizerAsync(ct, bulk: true);
            using var people = await People.OpenAsync(recognizer, db, new PeopleOptions { CreateIfMissing = true }, ct: ct);
            run.Info($"enrolling {sources.Count} photos into {People.Shown(db)}");
            EnrollmentReport report;
            try
            {
                report = await run.WithProgressAsync("enrolling", progress => people.EnrollAsync(sources, options,
                    new Progress<EnrollmentProgress>(p => progress.Report((p.Done, p.Total))), ct));
            }
            catch (EnrollmentCancelledException cancelled)
            {
                Print(run, db, recognizer, cancelled.Report);
                run.Warn($"stopped after {cancelled.Report.Outcomes.Count} of {cancelled.Report.Total} photos: the " +
                         $"{cancelled.Report.Enrolled} enrolled are kept in {People.Shown(db)}; run the same command again to enroll the rest");
                throw;
            }
            Print(run, db, recognizer, report);
            return report.Enrolled + report.AlreadyEnrolled > 0 ? ExitCodes.Success : ExitCodes.Failure;
        }));
        return command;
    }

    private static void Print(CliRun run, string db, FaceRecognizer recognizer, EnrollmentReport report)
    {
        foreach (var outcome in report.Outcomes.Where(o => o.Status is not EnrollmentStatus.Enrolled))
        {
            if (outcome.Status == EnrollmentStatus.AlreadyEnrolled)
                run.Info($"{outcome.Source.Path}: {outcome.Message}");
            else
                run.Warn($"skipped {CliErrors.Explain(outcome)}");
        }
        if (run.Json)
        {
            run.WriteJson(EnrollmentJson.From(People.Shown(db), recognizer.ModelId, report));
            return;
        }
        run.Out.MarkupLineInterpolated(
            $"[green]{report.Enrolled} enrolled[/] ({report.People} people), {report.AlreadyEnrolled} already enrolled, [yellow]{report.Skipped} skipped[/], [red]{report.Failed} failed[/] -> {CliRun.Safe(People.Shown(db))}");
    }
}
