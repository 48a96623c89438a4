using Visage.Tests.TestData;

namespace Visage.Tests.Integration;

/// <summary>Finding the shared data: the variable wins, ../shared beside the checkout otherwise, a clear error if neither.</summary>
[Collection(IntegrationCollection.Name)]
public sealed class SharedDataTests : IDisposable
{
    private readonly TempFolder _temp = new();

    public void Dispose() => _temp.Dispose();

    [Fact]
    public void Without_the_variable_it_is_the_shared_folder_beside_the_checkout()
    {
        var root = SharedData.Locate(null, AppContext.BaseDirectory);

        Assert.Equal(Path.GetFullPath(Path.Combine(RepositoryRoot(), "..", "shared")), root);
        Assert.True(Directory.Exists(Path.Combine(root, "data", "lfw", "images")));
    }

    [Fact]
    public void The_variable_wins_over_the_folder_beside_the_checkout()
    {
        Assert.Equal(_temp.Path, SharedData.Locate(_temp.Path, AppContext.BaseDirectory));
    }

    [Fact]
    public void A_variable_naming_no_folder_fails_naming_both_places()
    {
        var missing = _temp.File("no-such-shared");

        var error = Assert.Throws<InvalidOperationException>(() => SharedData.Locate(missing, AppContext.BaseDirectory));

        Assert.Contains($"$VISAGE_SHARED is {missing}, which does not exist", error.Message);
        Assert.Contains(Path.GetFullPath(Path.Combine(RepositoryRoot(), "..", "shared")), error.Message);
    }

    [Fact]
    public void Outside_a_checkout_without_the_variable_it_fails_naming_both_places()
    {
        var error = Assert.Throws<InvalidOperationException>(() => SharedData.Locate(null, _temp.Path));

        Assert.Contains("$VISAGE_SHARED is not set", error.Message);
        Assert.Contains($"no folder holding Visage.sln was found above {_temp.Path}", error.Message);
    }

    private static string RepositoryRoot()
    {
        var folder = new DirectoryInfo(AppContext.BaseDirectory);
        while (!File.Exists(Path.Combine(folder.FullName, "Visage.sln"))) folder = folder.Parent!;
        return folder.FullName;
    }
}
