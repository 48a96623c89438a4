using System.CommandLine;
using Spectre.Console;
using Visage.Json;
using Visage.Recognition;

namespace Visage.Cli.Commands;

internal static class IdentifyCommand
{
    public static Command Create()
    {
        var photo = new Argument<string>("PHOTO") { Description = "The photo to look at" };
        var verbose = new Option<bool>("--verbose") { Description = "Print the distance to every person" };
        var command = new Command("identify", "Say who is in a photo: every face, its nearest person and distance")
        {
            photo, CommonOptions.Known, CommonOptions.Db, CommonOptions.ThresholdOption, verbose,
            CommonOptions.Liveness, CommonOptions.LivenessThreshold, CommonOptions.Json,
        };
        command.Validators.Add(CommonOptions.OneGallery);
        command.SetAction(CliRun.Action(async (run, ct) =>
        {
            var result = run.Result;
            var path = result.GetValue(photo)!;
            using var recognizer = await run.LoadRecognizerAsync(ct);
            using var image = await recognizer.ReadImageAsync(path, ct);
            using var people = await run.OpenPeopleAsync(recognizer, result.GetValue(CommonOptions.Known),
                result.GetValue(CommonOptions.Db)!, ct);
            if (people.FaceCount == 0) throw new VisageException($"{people.Location}: nobody is enrolled yet");
            var identifications = people.Identify(image);

            if (run.Json)
                run.WriteJson(IdentifyJson.From(path, recognizer.Fingerprint, people.Threshold, identifications));
            else
                Print(run, path, identifications, people.Threshold, result.GetValue(verbose));
            return ExitCodes.Success;
        }));
        return command;
    }

    private static void Print(CliRun run, string path, IReadOnlyList<Identification> identifications,
        DecisionThreshold threshold, bool verbose)
    {
        path = CliRun.Safe(path);
        if (identifications.Count == 0)
        {
            run.Out.MarkupLineInterpolated($"{path}: no face found");
            return;
        }
        run.Out.MarkupLineInterpolated(
            $"{path}: {identifications.Count} face{(identifications.Count == 1 ? "" : "s")} (threshold {threshold.Value:0.####}, {Words.Of(threshold.Source)})");
        for (var i = 0; i < identifications.Count; i++)
        {
            var id = identifications[i];
            var where = $"face {i + 1} at {id.Face.Box}";
            if (id.Face.Liveness is { IsLive: false } failed)
            {
                run.Out.MarkupLineInterpolated(
                    $"  {where}: [red]not live[/] (liveness {failed.Score:0.###} < {failed.Threshold:0.###}; looks like {CliRun.Safe(id.Nearest ?? "nobody")}, distance {id.Distance:0.####})");
                continue;
            }
            if (id.IsKnown)
                run.Out.MarkupLineInterpolated($"  {where}: [green]{CliRun.Safe(id.Identity!)}[/] (distance {id.Distance:0.####})");
            else
                run.Out.MarkupLineInterpolated(
                    $"  {where}: [yellow]unknown[/] (nearest {CliRun.Safe(id.Nearest ?? "nobody")}, distance {id.Distance:0.####})");
            if (!verbose) continue;
            foreach (var d in id.Distances)
                run.Out.MarkupLineInterpolated($"    distance for {CliRun.Safe(d.Identity)} is {d.Distance:0.####}");
        }
    }
}
