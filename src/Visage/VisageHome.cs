using Visage.Storage;

namespace Visage;

/// <summary>
/// The folder where Visage keeps what it fetches and derives: model packs, galleries of known-people folders,
/// cached encodings. <c>$VISAGE_HOME</c> when set, otherwise <c>$XDG_CACHE_HOME/visage</c> or
/// <c>~/.cache/visage</c>. Folders that hold faces are created owner-only.
/// </summary>
public sealed record VisageHome(string Root)
{
    public string ModelsFolder => Path.Combine(Root, "models");
    public string DownloadsFolder => Path.Combine(Root, "downloads");
    public string GalleriesFolder => Path.Combine(Root, "galleries");
    public string EncodingCachePath => Path.Combine(Root, "encodings.db");

    /// <summary>The search graphs of shared stores (PostgreSQL), one folder per store.</summary>
    public string IndexesFolder => Path.Combine(Root, "indexes");

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

    /// <summary>
    /// Erases everything derived from people's photos: the galleries of known-people folders (with their search
    /// indexes), the saved search graphs of shared stores and the cached encodings (models stay). Returns the
    /// files removed.
    /// </summary>
    public IReadOnlyList<string> ClearFaceCaches()
    {
        var removed = new List<string>();
        if (Directory.Exists(GalleriesFolder))
        {
            removed.AddRange(Directory.EnumerateFiles(GalleriesFolder));
            Directory.Delete(GalleriesFolder, recursive: true);
        }
        if (Directory.Exists(IndexesFolder))
        {
            removed.AddRange(Directory.EnumerateFiles(IndexesFolder, "*", SearchOption.AllDirectories));
            Directory.Delete(IndexesFolder, recursive: true);
        }
        foreach (var file in new[] { EncodingCachePath, EncodingCachePath + "-journal", EncodingCachePath + "-wal", EncodingCachePath + "-shm" })
        {
            if (!File.Exists(file)) continue;
            File.Delete(file);
            removed.Add(file);
        }
        return removed;
    }

    internal void CreateGalleriesFolder()
    {
        PrivateFiles.CreateFolder(Root);
        PrivateFiles.CreateFolder(GalleriesFolder);
    }
}
