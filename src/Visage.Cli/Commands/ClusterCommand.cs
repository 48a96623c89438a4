using System.CommandLine;
using Spectre.Console;
using Visage.Json;
using Visage.Recognition;

namespace Visage.Cli.Commands;

/// <summary><c>visage cluster FOLDER</c>: every face of every photo, grouped into people.</summary>
internal static class ClusterCommand
{
    public static readonly Option<int> MinSize = CommonOptions.NumberOption("--min-size",
        "Groups with fewer faces are left unassigned", 2);

    public static readonly Option<float?> Distance = CommonOptions.NullableNumberOption<float>("--distance",
        "Grouping distance (default: 0.9 x the threshold that decides 'known')");

    public static Command Create()
    {
        var folder = new Argument<string>("FOLDER") { Description = "Photos to look at (searched recursively)" };
        var html = new Option<string?>("--html") { HelpName = "FILE", Description = "Write a page showing each group as a strip of faces" };
        var command = new Command("cluster",
            "Group every face of the photos in FOLDER into people: the people of the gallery by name, strangers as person 1, 2, ...")
        {
            folder, CommonOptions.Known, CommonOptions.Db, CommonOptions.ThresholdOption, MinSize, Distance, html,
            CommonOptions.Json,
        };
        command.Validators.Add(CommonOptions.OneGallery);
        command.SetAction(CliRun.Action(async (run, ct) =>
        {
            var result = run.Result;
            var path = result.GetValue(folder)!;
            if (!Directory.Exists(path)) throw new VisageException($"{path}: no such folder of photos");
            var options = Options(result);
            using var recognizer = await run.LoadRecognizerAsync(ct);
            var db = result.GetValue(CommonOptions.Db)!;
            var known = result.GetValue(CommonOptions.Known);
            // No gallery yet: nobody is known, every face is a stranger (the gallery is made by naming a group).
            var useGallery = known is not null || People.Exists(db);
            if (!useGallery && result.GetResult(CommonOptions.Db) is { Implicit: false })
                run.Info($"{People.Shown(db)}: no gallery yet, so nobody is known");
            using var people = useGallery ? await run.OpenPeopleAsync(recognizer, known, db, ct) : null;
            var grouping = await run.WithProgressAsync($"finding the faces in {path}", progress => people is not null
                ? people.GroupFacesAsync([path], options, progress, ct)
                : recognizer.GroupFacesAsync([path], options, progress, ct));

            if (result.GetValue(html) is { } page)
            {
                await ClusterPage.WriteAsync(page, path, known is not null ? null : People.Shown(db), grouping, recognizer, ct);
                run.Info($"wrote {page}");
            }
            foreach (var problem in grouping.Failed) run.Warn($"skipped {problem.Message}");
            if (run.Json) run.WriteJson(ClusterJson.From(recognizer.Fingerprint, grouping));
            else Print(run, path, grouping);
            return ExitCodes.Success;
        }));
        return command;
    }

    internal static ClusterOptions Options(ParseResult result) =>
        new() { MinClusterSize = result.GetValue(MinSize), Distance = result.GetValue(Distance) };

    private static void Print(CliRun run, string folder, FaceGrouping g)
    {
        run.Out.MarkupLineInterpolated(
            $"{CliRun.Safe(folder)}: {g.FacesFound} faces in {g.Photos} photos; {g.Groups.Count(x => x.Known)} people you know, {g.Groups.Count(x => !x.Known)} groups of strangers (grouped at {g.ClusterDistance:0.####}), {g.Unassigned.Count} faces in no group");
        foreach (var group in g.Groups)
        {
            if (group.Known)
                run.Out.MarkupLineInterpolated($"[green]{CliRun.Safe(group.Name)}[/]: {group.Faces.Count} faces in {group.Photos} photos");
            else
                run.Out.MarkupLineInterpolated($"[yellow]{group.Name}[/] [grey][[{group.Cluster}]][/]: {group.Faces.Count} faces in {group.Photos} photos");
            foreach (var face in group.Faces)
            {
                var distance = face.Distance is { } d ? $" (distance {d:0.####})" : "";
                run.Out.MarkupLineInterpolated($"  {CliRun.Safe(face.Face.Image)} at {face.Face.Box}{distance}");
            }
        }
        if (g.Unassigned.Count > 0)
        {
            run.Out.MarkupLine("in no group:");
            foreach (var face in g.Unassigned)
                run.Out.MarkupLineInterpolated($"  {CliRun.Safe(face.Image)} at {face.Box}");
        }
    }
}
