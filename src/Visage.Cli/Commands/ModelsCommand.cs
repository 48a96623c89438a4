using System.CommandLine;
using Spectre.Console;

namespace Visage.Cli.Commands;

internal static class ModelsCommand
{
    public static Command Create()
    {
        var list = new Command("list", "List the model packs, their licences and whether they are installed")
        {
            CommonOptions.Json,
        };
        list.SetAction(CliRun.Action((run, _) =>
        {
            var packs = ModelPacks.List(run.Home);
            if (run.Json)
            {
                run.WriteJson(new { Default = ModelPacks.DefaultId, Models = packs });
                return Task.FromResult(ExitCodes.Success);
            }
            var table = new Table().AddColumns("pack", "packages", "licence", "encoding", "threshold", "installed");
            foreach (var p in packs)
            {
                table.AddRow(
                    Markup.Escape(p.Id + (p.IsDefault ? " (default)" : "")),
                    Markup.Escape(string.Join("\n", p.Packages.Select(k => $"{k.Name}@{k.Version}"))),
                    Markup.Escape(p.Licence),
                    $"{p.Dimensions}-d",
                    $"{p.Threshold:0.####}",
                    p.Installed ? "yes" : "no");
            }
            run.Out.Write(table);
            return Task.FromResult(ExitCodes.Success);
        }));

        var packId = new Argument<string?>("PACK")
        {
            Description = "Pack to fetch (default: every pack)",
            Arity = ArgumentArity.ZeroOrOne,
        };
        var fetch = new Command("fetch", "Download model packs into the Visage cache ($VISAGE_HOME)") { packId, CommonOptions.Json };
        fetch.SetAction(CliRun.Action(async (run, ct) =>
        {
            var id = run.Result.GetValue(packId);
            var packs = id is null ? ModelPacks.List(run.Home) : [ModelPacks.Get(id, run.Home)];
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

        return new Command("models", "Model packs: list and fetch") { list, fetch };
    }
}
