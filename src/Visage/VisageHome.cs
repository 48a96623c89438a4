namespace Visage;

/// <summary>
/// The folder where Visage keeps what it fetches and derives: model packs, cached galleries.
/// <c>$VISAGE_HOME</c> when set, otherwise <c>~/.cache/visage</c>.
/// </summary>
public sealed record VisageHome(string Root)
{
    public string ModelsFolder => Path.Combine(Root, "models");
    public string DownloadsFolder => Path.Combine(Root, "downloads");
    public string GalleriesFolder => Path.Combine(Root, "galleries");

    public static VisageHome FromEnvironment()
    {
        var configured = Environment.GetEnvironmentVariable("VISAGE_HOME");
        if (!string.IsNullOrWhiteSpace(configured))
            return new VisageHome(Path.GetFullPath(configured));
        var xdg = Environment.GetEnvironmentVariable("XDG_CACHE_HOME");
        var cache = !string.IsNullOrWhiteSpace(xdg)
            ? xdg
            : Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".cache");
        return new VisageHome(Path.Combine(cache, "visage"));
    }
}
