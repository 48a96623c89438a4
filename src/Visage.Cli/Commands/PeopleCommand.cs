using System.CommandLine;
using Spectre.Console;
using Visage.Json;

namespace Visage.Cli.Commands;

/// <summary><c>visage people list|rename|delete|merge</c>: the people of a gallery.</summary>
internal static class PeopleCommand
{
    public static Command Create()
    {
        var list = new Command("list", "List the people of a gallery with their face counts") { CommonOptions.Db, CommonOptions.Json };
        list.SetAction(CliRun.Action(async (run, ct) =>
        {
            var db = run.Result.GetValue(CommonOptions.Db)!;
            using var recognizer = await run.LoadRecognizerAsync(ct);
            using var people = await People.OpenAsync(recognizer, db, new PeopleOptions { ReadOnly = true }, ct: ct);
            var everyone = await people.ListAsync(ct);
            if (run.Json)
            {
                run.WriteJson(new PeopleJson(People.Shown(db), everyone.Select(PersonJson.From).ToList()));
                return ExitCodes.Success;
            }
            if (everyone.Count == 0)
            {
                run.Out.MarkupLineInterpolated($"{CliRun.Safe(People.Shown(db))}: nobody is enrolled");
                return ExitCodes.Success;
            }
            var table = new Table().AddColumns("person", "faces", "enrolled", "last added");
            foreach (var p in everyone)
                table.AddRow(Markup.Escape(CliRun.Safe(p.Name)), p.Faces.ToString(), $"{p.CreatedAt:yyyy-MM-dd}",
                    p.LastAddedAt is { } last ? $"{last:yyyy-MM-dd HH:mm}" : "-");
            run.Out.Write(table);
            run.Out.MarkupLineInterpolated($"{everyone.Count} people, {everyone.Sum(p => p.Faces)} faces in {CliRun.Safe(People.Shown(db))}");
            return ExitCodes.Success;
        }));

        var name = new Argument<string>("NAME") { Description = "The person" };
        var newName = new Argument<string>("NEW_NAME") { Description = "Their new name" };
        var rename = new Command("rename", "Rename a person") { name, newName, CommonOptions.Db, CommonOptions.Json };
        rename.SetAction(CliRun.Action(async (run, ct) =>
        {
            var db = run.Result.GetValue(CommonOptions.Db)!;
            using var recognizer = await run.LoadRecognizerAsync(ct);
            using var people = await People.OpenAsync(recognizer, db, ct: ct);
            var person = await people.RenameAsync(run.Result.GetValue(name)!, run.Result.GetValue(newName)!, ct);
            if (run.Json) run.WriteJson(new PersonChangeJson(People.Shown(db), "renamed", PersonJson.From(person), run.Result.GetValue(name)!, null));
            else run.Out.MarkupLineInterpolated($"renamed {CliRun.Safe(run.Result.GetValue(name)!)} to [green]{CliRun.Safe(person.Name)}[/] ({person.Faces} faces)");
            return ExitCodes.Success;
        }));

        var delete = new Command("delete", "Erase a person: every encoding and face crop of them, removed from the file")
        {
            name, CommonOptions.Db, CommonOptions.Json,
        };
        delete.SetAction(CliRun.Action(async (run, ct) =>
        {
            var db = run.Result.GetValue(CommonOptions.Db)!;
            var who = run.Result.GetValue(name)!;
            using var recognizer = await run.LoadRecognizerAsync(ct);
            using var people = await People.OpenAsync(recognizer, db, ct: ct);
            var erased = await people.DeleteAsync(who, ct);
            if (run.Json) run.WriteJson(new PersonChangeJson(People.Shown(db), "deleted", null, who, erased));
            else run.Out.MarkupLineInterpolated($"erased {CliRun.Safe(who)}: {erased} faces removed from {CliRun.Safe(People.Shown(db))}");
            return ExitCodes.Success;
        }));

        var from = new Argument<string>("FROM") { Description = "The person whose faces move (gone afterwards)" };
        var into = new Argument<string>("INTO") { Description = "The person who keeps them" };
        var merge = new Command("merge", "Merge two people: FROM's faces become INTO's") { from, into, CommonOptions.Db, CommonOptions.Json };
        merge.SetAction(CliRun.Action(async (run, ct) =>
        {
            var db = run.Result.GetValue(CommonOptions.Db)!;
            using var recognizer = await run.LoadRecognizerAsync(ct);
            using var people = await People.OpenAsync(recognizer, db, ct: ct);
            var person = await people.MergeAsync(run.Result.GetValue(from)!, run.Result.GetValue(into)!, ct);
            if (run.Json) run.WriteJson(new PersonChangeJson(People.Shown(db), "merged", PersonJson.From(person), run.Result.GetValue(from)!, null));
            else run.Out.MarkupLineInterpolated($"merged {CliRun.Safe(run.Result.GetValue(from)!)} into [green]{CliRun.Safe(person.Name)}[/] ({person.Faces} faces)");
            return ExitCodes.Success;
        }));

        var photos = new Argument<string>("FOLDER") { Description = "The photos 'visage cluster' grouped" };
        var cluster = new Argument<string>("GROUP") { Description = "The group's id, as 'visage cluster' shows it" };
        var nameCluster = new Command("name-cluster", "Enroll a group of strangers found by 'visage cluster' as one person")
        {
            photos, cluster, name, CommonOptions.Db, CommonOptions.ThresholdOption, ClusterCommand.MinSize,
            ClusterCommand.Distance, CommonOptions.Json,
        };
        nameCluster.SetAction(CliRun.Action(async (run, ct) =>
        {
            var db = run.Result.GetValue(CommonOptions.Db)!;
            var who = run.Result.GetValue(name)!;
            using var recognizer = await run.LoadRecognizerAsync(ct);
            using var people = await People.OpenAsync(recognizer, db,
                new PeopleOptions { CreateIfMissing = true, Threshold = CommonOptions.Threshold(run.Result) }, ct: ct);
            var report = await run.WithProgressAsync($"finding the faces in {run.Result.GetValue(photos)}", progress =>
                people.NameClusterAsync([run.Result.GetValue(photos)!], run.Result.GetValue(cluster)!, who,
                    ClusterCommand.Options(run.Result), progress, ct));
            if (run.Json)
            {
                run.WriteJson(EnrollmentJson.From(People.Shown(db), recognizer.ModelId, report));
                return ExitCodes.Success;
            }
            foreach (var outcome in report.Outcomes.Where(o => o.Status != Recognition.EnrollmentStatus.Enrolled))
                run.Warn($"{outcome.Source.Path}: {outcome.Message}");
            run.Out.MarkupLineInterpolated($"enrolled {CliRun.Count(report.Enrolled, "face")} as [green]{CliRun.Safe(who)}[/] in {CliRun.Safe(People.Shown(db))}");
            return ExitCodes.Success;
        }));

        return new Command("people", "The people of a gallery: list, rename, delete (erase), merge, name-cluster")
        {
            list, rename, delete, merge, nameCluster,
        };
    }
}
