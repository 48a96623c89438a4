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
                    p.Id, p.Description, Package = p.Package.Spec, Sha512 = p.Package.Sha512Base64, p.Licence,
                    Files = p.Files, p.Embedder, p.DefaultThreshold, p.ThresholdProvenance,
                    Installed = store.IsInstalled(p), Folder = store.PackFolder(p),
                }).ToList());
                return Task.FromResult(CliRun.Success);
            }
            var table = new Table().AddColumns("pack", "package", "licence", "input", "encoding", "threshold", "installed");
            foreach (var p in ModelCatalog.All)
            {
                table.AddRow(
                    Markup.Escape(p.Id + (p == ModelCatalog.Default ? " (default)" : "")),
                    Markup.Escape(p.Package.Spec),
                    Markup.Escape(p.Licence),
                    Markup.Escape($"{p.Embedder.InputSize}x{p.Embedder.InputSize} {p.Embedder.ColorOrder}"),
                    $"{p.Embedder.EmbeddingSize}-d",
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
                    run.Out.MarkupLineInterpolated($"model pack {pack.Id} already installed in {store.PackFolder(pack)}");
                else
                    await run.FetchAsync(store, pack, ct);
            }
            return CliRun.Success;
        }));

        return new Command("models", "Model packs: list and fetch") { list, fetch };
    }
}
