using System.CommandLine;
using Spectre.Console;
using Visage.Recognition;
using Visage.Storage;

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
        var command = new Command("enroll", "Add the faces of known people to a gallery")
        {
            paths, name, largest, wholeImage, CommonOptions.Db, CommonOptions.Json,
        };
        command.SetAction(CliRun.Action(async (run, ct) =>
        {
            var result = run.Result;
            var sources = EnrollmentSources.Find(result.GetValue(paths)!, result.GetValue(name));
            if (sources.Count == 0)
                throw new VisageException(
                    $"{string.Join(", ", result.GetValue(paths)!)}: no photos (.jpg, .jpeg, .png, .bmp, .webp) found");
            var limits = CommonOptions.Limits(result);
            var db = result.GetValue(CommonOptions.Db)!;

            var pipeline = await run.LoadPipelineAsync(ct);
            using var _pipeline = pipeline;
            using var gallery = await SqliteGallery.OpenAsync(db, pipeline.ModelId, pipeline.Dimensions,
                GalleryOpenMode.CreateIfMissing, ct);
            var enroller = new Enroller(pipeline, limits) { WholeImage = result.GetValue(wholeImage) };
            run.Info($"enrolling {sources.Count} photos into {db}");
            var report = await EnrollWithProgressAsync(run, enroller, gallery, sources, result.GetValue(largest), ct);

            foreach (var outcome in report.Outcomes.Where(o => o.Status is not EnrollmentStatus.Enrolled))
            {
                if (outcome.Status == EnrollmentStatus.AlreadyEnrolled)
                    run.Info($"{outcome.Source.Path}: {outcome.Message}");
                else
                    run.Warn($"skipped {outcome.Message}");
            }

            if (run.Json)
            {
                run.WriteJson(new EnrollJson(db, pipeline.ModelId, report.Enrolled, report.AlreadyEnrolled,
                    report.Skipped, report.Failed,
                    report.Outcomes.Select(o => new EnrollOutcomeJson(o.Source.Path, o.Source.Identity,
                        o.Status.ToString(), o.Message)).ToList()));
            }
            else
            {
                var people = report.Outcomes.Where(o => o.Status == EnrollmentStatus.Enrolled)
                    .Select(o => o.Source.Identity).Distinct().Count();
                run.Out.MarkupLineInterpolated(
                    $"[green]{report.Enrolled} enrolled[/] ({people} people), {report.AlreadyEnrolled} already enrolled, [yellow]{report.Skipped} skipped[/], [red]{report.Failed} failed[/] -> {db}");
            }
            return report.Enrolled + report.AlreadyEnrolled > 0 || sources.Count == 0 ? CliRun.Success : CliRun.Failure;
        }));
        return command;
    }

    private static async Task<EnrollmentReport> EnrollWithProgressAsync(CliRun run, Enroller enroller,
        IGallery gallery, IReadOnlyList<EnrollmentSource> sources, bool largest, CancellationToken ct)
    {
        if (!run.Err.Profile.Capabilities.Interactive)
            return await enroller.EnrollAsync(gallery, sources, largest, null, ct);

        EnrollmentReport? report = null;
        await run.Err.Progress()
            .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(),
                new RemainingTimeColumn())
            .StartAsync(async context =>
            {
                var task = context.AddTask("enrolling", maxValue: sources.Count);
                var progress = new Progress<EnrollmentProgress>(p => task.Value = p.Done);
                report = await enroller.EnrollAsync(gallery, sources, largest, progress, ct);
                task.Value = sources.Count;
            });
        return report!;
    }
}
