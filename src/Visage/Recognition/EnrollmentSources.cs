namespace Visage.Recognition;

/// <summary>
/// Finds the photos to enrol. In a folder, <c>NAME.jpg</c> is one photo of NAME (the seed's layout) and
/// <c>NAME/*.jpg</c> several photos of NAME; a photo given on its own is named after its file.
/// <c>--name</c> names every photo found.
/// </summary>
public static class EnrollmentSources
{
    private static readonly HashSet<string> ImageExtensions =
        new([".jpg", ".jpeg", ".png", ".bmp", ".webp"], StringComparer.OrdinalIgnoreCase);

    public static bool IsImageFile(string path) => ImageExtensions.Contains(Path.GetExtension(path));

    public static IReadOnlyList<EnrollmentSource> Find(IEnumerable<string> paths, string? name = null)
    {
        if (name is not null && string.IsNullOrWhiteSpace(name))
            throw new VisageException("--name: an identity name cannot be empty");
        var sources = new List<EnrollmentSource>();
        foreach (var path in paths)
        {
            if (File.Exists(path))
                sources.Add(new EnrollmentSource(path, name ?? IdentityOf(path)));
            else if (Directory.Exists(path))
                sources.AddRange(FromFolder(path, name));
            else
                throw new VisageException($"{path}: no such file or folder");
        }
        return sources;
    }

    private static IEnumerable<EnrollmentSource> FromFolder(string folder, string? name)
    {
        var found = new List<EnrollmentSource>();
        foreach (var file in Directory.EnumerateFiles(folder).Where(IsImageFile).Order(StringComparer.Ordinal))
            found.Add(new EnrollmentSource(file, name ?? IdentityOf(file)));
        foreach (var person in Directory.EnumerateDirectories(folder).Order(StringComparer.Ordinal))
        {
            var identity = name ?? Path.GetFileName(person);
            foreach (var file in Directory.EnumerateFiles(person, "*", SearchOption.AllDirectories)
                         .Where(IsImageFile).Order(StringComparer.Ordinal))
                found.Add(new EnrollmentSource(file, identity));
        }
        return found;
    }

    private static string IdentityOf(string photo) => Path.GetFileNameWithoutExtension(photo);
}
