using System.CommandLine;
using Spectre.Console;
using Visage.Models;

namespace Visage.Cli.Commands;

internal static class ModelsCommand
{
    public static Command Create()
    {
        var list = new Command("list", "List the model packs and the liveness networks, their licences and whether they are installed")
        {
            CommonOptions.Json,
        };
        list.SetAction(CliRun.Action((run, _) =>
        {
            var packs = ModelPacks.List(run.Home);
            var liveness = ModelPacks.ListLiveness(run.Home);
            if (run.Json)
            {
                run.WriteJson(new { Default = ModelPacks.DefaultId, Models = packs, Liveness = liveness });
                return Task.FromResult(ExitCodes.Success);
            }
            run.Out.Write(Catalogue(["pack", "packages", "licence", "encoding", "threshold", "installed"],
                packs.Select(p => Row(p.Id, p.IsDefault, p.Packages, p.Licence, $"{p.Dimensions}-d", p.Threshold, p.Installed))));
            run.Out.Write(Catalogue(["liveness (--liveness)", "packages", "licence", "input", "threshold", "installed"],
                liveness.Select(m => Row(m.Id, m.IsDefault, m.Packages, m.Licence, $"{m.InputSize}x{m.InputSize}", m.Threshold, m.Installed))));
            return Task.FromResult(ExitCodes.Success);
        }));

        var packId = new Argument<string?>("PACK")
        {
            Description = "Pack or liveness network to fetch (default: every pack)",
            Arity = ArgumentArity.ZeroOrOne,
        };
        var fetch = new Command("fetch", "Download model packs (or a liveness network) into the Visage cache ($VISAGE_HOME)") { packId, CommonOptions.Json };
        fetch.SetAction(CliRun.Action(async (run, ct) =>
        {
            var id = run.Result.GetValue(packId);
            if (id is not null && ModelPacks.IsLivenessModel(id))
            {
                var model = ModelPacks.ListLiveness(run.Home).Single(m => string.Equals(m.Id, id, StringComparison.OrdinalIgnoreCase));
                if (!model.Installed)
                    await run.WithStatusAsync($"fetching liveness network {model.Id}", status =>
                        ModelPacks.FetchLivenessAsync(model.Id, run.Home,
                            new Progress<FetchProgress>(p => status($"liveness network {p.PackId}: {p.Step}")), ct));
                if (run.Json) run.WriteJson(new { Models = new[] { new { model.Id, Installed = true, Fetched = !model.Installed, model.Folder } } });
                else run.Out.MarkupLineInterpolated($"liveness network {model.Id} {(model.Installed ? "already installed" : "ready")} in {model.Folder}");
                return ExitCodes.Success;
            }
            var all = ModelPacks.List(run.Home);
            // fetch takes either kind of id, so an unknown one is answered with both lists.
            if (id is not null && !all.Any(p => string.Equals(p.Id, id, StringComparison.OrdinalIgnoreCase)))
                throw new ModelException(id, ModelProblem.Unknown,
                    $"unknown model pack or liveness network '{id}': packs are {string.Join(", ", all.Select(p => p.Id))}; " +
                    $"liveness networks are {string.Join(", ", ModelPacks.ListLiveness(run.Home).Select(m => m.Id))}");
            var packs = id is null ? all : [ModelPacks.Get(id, run.Home)];
            var fetched = new List<object>();
            foreach (var pack in packs)
            {
                var was = pack.Installed;
                if (was)
                {
                    if (!run.Json) run.Out.MarkupLineInterpolated($"model pack {pack.Id} already installed in {pack.Folder}");
                }
                else
                {
                    await run.FetchAsync(pack, ct);
                }
                fetched.Add(new { pack.Id, Installed = true, Fetched = !was, pack.Folder });
            }
            if (run.Json) run.WriteJson(new { Models = fetched });
            return ExitCodes.Success;
        }));

        return new Command("models", "Model packs and liveness networks: list and fetch") { list, fetch };
    }

    private static Table Catalogue(string[] columns, IEnumerable<string[]> rows)
    {
        var table = new Table().AddColumns(columns);
        foreach (var row in rows) table.AddRow(row);
        return table;
    }

    private static string[] Row(string id, bool isDefault, IEnumerable<ModelPackage> packages, string licence, string size,
        float threshold, bool installed) =>
    [
        Markup.Escape(id + (isDefault ? " (default)" : "")),
        Markup.Escape(Packages(packages)),
        Markup.Escape(licence),
        size,
        $"{threshold:0.####}",
        installed ? "yes" : "no",
    ];

    private static string Packages(IEnumerable<ModelPackage> packages) =>
        string.Join("\n", packages.Select(k => $"{k.Name}@{k.Version}"));
}
