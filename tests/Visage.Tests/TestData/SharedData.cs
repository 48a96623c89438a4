namespace Visage.Tests.TestData;

/// <summary>
/// The shared data beside the checkout: <c>$VISAGE_SHARED</c> when set, otherwise <c>../shared</c>
/// relative to the repository root (the folder holding Visage.sln).
/// </summary>
internal static class SharedData
{
    public const string EnvironmentVariable = "VISAGE_SHARED";

    private static readonly Lazy<string> LazyRoot =
        new(() => Locate(Environment.GetEnvironmentVariable(EnvironmentVariable), AppContext.BaseDirectory));

    public static string Root => LazyRoot.Value;

    public static string LfwFolder => Path.Combine(Root, "data", "lfw");
    public static string LfwImages => Path.Combine(LfwFolder, "images");
    public static string LfwPairsDevTrain => Path.Combine(LfwFolder, "pairsDevTrain.txt");
    public static string LfwPairsDevTest => Path.Combine(LfwFolder, "pairsDevTest.txt");

    /// <summary>The shared folder for a value of the variable (null: unset), searching up from <paramref name="start"/>.</summary>
    internal static string Locate(string? configured, string start)
    {
        var repositoryRoot = FindRepositoryRoot(start);
        var besideCheckout = repositoryRoot is null
            ? null
            : Path.GetFullPath(Path.Combine(repositoryRoot, "..", "shared"));

        // A set variable wins even when ../shared exists: pointing it somewhere wrong must not fall back silently.
        var chosen = string.IsNullOrWhiteSpace(configured) ? besideCheckout : Path.GetFullPath(configured);
        if (chosen is not null && Directory.Exists(chosen))
            return chosen;

        var fromEnvironment = string.IsNullOrWhiteSpace(configured)
            ? $"${EnvironmentVariable} is not set"
            : $"${EnvironmentVariable} is {configured}, which does not exist";
        var fromCheckout = besideCheckout is null
            ? $"no folder holding Visage.sln was found above {start}, so there is no ../shared beside it"
            : $"../shared beside the repository root is {besideCheckout}" +
              (Directory.Exists(besideCheckout) ? "" : ", which does not exist");
        throw new InvalidOperationException(
            $"shared test data not found: {fromEnvironment}; {fromCheckout}. " +
            $"Put the shared folder at ../shared beside the checkout or set {EnvironmentVariable} to it.");
    }

    /// <summary>The checkout the tests run from (the folder holding Visage.sln), or null.</summary>
    public static string? RepositoryRoot => FindRepositoryRoot(AppContext.BaseDirectory);

    private static string? FindRepositoryRoot(string start)
    {
        for (var folder = new DirectoryInfo(start); folder is not null; folder = folder.Parent)
        {
            if (File.Exists(Path.Combine(folder.FullName, "Visage.sln")))
                return folder.FullName;
        }
        return null;
    }
}
