using System.CommandLine;
using Spectre.Console;
using Visage.Imaging;
using Visage.Recognition;

namespace Visage.Cli.Commands;

internal static class IdentifyCommand
{
    public static Command Create()
    {
        var photo = new Argument<string>("PHOTO") { Description = "The photo to look at" };
        var known = new Option<string?>("--known")
        {
            Description = "Folder of known people (FOLDER/NAME.jpg or FOLDER/NAME/*.jpg); enrolled once and cached",
        };
        var verbose = new Option<bool>("--verbose") { Description = "Print the distance to every identity" };
        var command = new Command("identify", "Say who is in a photo: every face, its nearest identity and distance")
        {
            photo, known, CommonOptions.Db, CommonOptions.Threshold, verbose, CommonOptions.Json,
        };
        command.Validators.Add(result =>
        {
            if (result.GetResult(known) is not null && result.GetResult(CommonOptions.Db) is { Implicit: false })
                result.AddError("--known and --db cannot be used together: pick one gallery");
        });
        command.SetAction(CliRun.Action(async (run, ct) =>
        {
            var result = run.Result;
            var path = result.GetValue(photo)!;
            var limits = CommonOptions.Limits(result);
            using var image = await ImageReader.ReadAsync(path, limits, ct);
            var pipeline = await run.LoadPipelineAsync(ct);
            using var _pipeline = pipeline;

            using var people = await KnownPeople.OpenAsync(run, pipeline, limits, result.GetValue(known),
                result.GetValue(CommonOptions.Db)!, ct);
            var threshold = people.Threshold;
            var matcher = people.Matcher();
            var identifications = pipeline.Analyze(image.Pixels)
                .OrderBy(f => f.Box.X)
                .Select(face => matcher.Identify(face, threshold))
                .ToList();

            if (run.Json)
                run.WriteJson(new IdentifyJson(path, pipeline.ModelId, threshold,
                    identifications.Select(IdentifiedFaceJson.From).ToList()));
            else
                Print(run, path, identifications, threshold, result.GetValue(verbose));
            return CliRun.Success;
        }));
        return command;
    }

    private static void Print(CliRun run, string path, IReadOnlyList<Identification> identifications, float threshold,
        bool verbose)
    {
        if (identifications.Count == 0)
        {
            run.Out.MarkupLineInterpolated($"{path}: no face found");
            return;
        }
        run.Out.MarkupLineInterpolated(
            $"{path}: {identifications.Count} face{(identifications.Count == 1 ? "" : "s")} (threshold {threshold:0.####})");
        for (var i = 0; i < identifications.Count; i++)
        {
            var id = identifications[i];
            var where = $"face {i + 1} at {id.Face.Box}";
            if (id.IsKnown)
                run.Out.MarkupLineInterpolated($"  {where}: [green]{id.Identity}[/] (distance {id.Distance:0.####})");
            else
                run.Out.MarkupLineInterpolated(
                    $"  {where}: [yellow]unknown[/] (nearest {id.Nearest}, distance {id.Distance:0.####})");
            if (!verbose) continue;
            foreach (var d in id.Distances)
                run.Out.MarkupLineInterpolated($"    distance for {d.Identity} is {d.Distance:0.####}");
        }
    }
}
