using System.CommandLine;
using Spectre.Console;
using Visage.Models;

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
            var store = new ModelStore(run.Home);
            if (run.Json)
            {
                run.WriteJson(ModelCatalog.All.Select(p => new
                {
                    p.Id, p.Description, IsDefault = p == ModelCatalog.Default, p.Licence,
                    Packages = p.Packages.Select(k => new { k.Name, k.Version, Sha512 = k.Sha512Base64 }),
                    Files = p.Files.Select(f => new { Package = f.Package.Spec, f.PathInPackage, Path = store.FilePath(f) }),
                    Embedders = p.Embedders.Select(e => new { e.Kind, e.Dimensions, e.Network, e.FlipAverage, e.Weight }),
                    p.Dimensions, p.DefaultThreshold, p.ThresholdProvenance,
                    Installed = store.IsInstalled(p),
                }).ToList());
                return Task.FromResult(CliRun.Success);
            }
            var table = new Table().AddColumns("pack", "packages", "licence", "encoding", "threshold", "installed");
            foreach (var p in ModelCatalog.All)
            {
                table.AddRow(
                    Markup.Escape(p.Id + (p == ModelCatalog.Default ? " (default)" : "")),
                    Markup.Escape(string.Join("\n", p.Packages.Select(k => k.Spec))),
                    Markup.Escape(p.Licence),
                    $"{p.Dimensions}-d",
                    $"{p.DefaultThreshold:0.####}",
                    store.IsInstalled(p) ? "yes" : "no");
            }
            run.Out.Write(table);
            return Task.FromResult(CliRun.Success);
        }));

        var packId = new Argument<string?>("PACK")
        {
            Description = "Pack to fetch (default: every pack)",
            Arity = ArgumentArity.ZeroOrOne,
        };
        var fetch = new Command("fetch", "Download model packs into the Visage cache ($VISAGE_HOME)") { packId };
        fetch.SetAction(CliRun.Action(async (run, ct) =>
        {
            var id = run.Result.GetValue(packId);
            var packs = id is null ? ModelCatalog.All : [ModelCatalog.Get(id)];
            var store = new ModelStore(run.Home);
            foreach (var pack in packs)
            {
                if (store.IsInstalled(pack))
                    run.Out.MarkupLineInterpolated($"model pack {pack.Id} already installed in {store.Home.ModelsFolder}");
                else
                    await run.FetchAsync(store, pack, ct);
            }
            return CliRun.Success;
        }));

        return new Command("models", "Model packs: list and fetch") { list, fetch };
    }
}
