namespace Visage.ClusterBench;

/// <summary>The photos of the LFW people with at least two photos, each with its person's number.</summary>
internal sealed record LfwPeople(IReadOnlyList<string> Names, IReadOnlyList<(string Path, int Person)> Photos)
{
    public static LfwPeople Read(string imagesFolder)
    {
        var names = new List<string>();
        var photos = new List<(string, int)>();
        foreach (var folder in Directory.EnumerateDirectories(imagesFolder).Order(StringComparer.Ordinal))
        {
            var files = Directory.EnumerateFiles(folder, "*.jpg").Order(StringComparer.Ordinal).ToList();
            if (files.Count < 2) continue;
            foreach (var file in files) photos.Add((file, names.Count));
            names.Add(Path.GetFileName(folder));
        }
        return new LfwPeople(names, photos);
    }
}
