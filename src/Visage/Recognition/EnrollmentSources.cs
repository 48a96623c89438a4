using System.Runtime.InteropServices;

namespace Visage.Recognition;

/// <summary>
/// Finds the photos to enrol. In a folder, <c>NAME.jpg</c> is one photo of NAME (the seed's layout) and
/// <c>NAME/*.jpg</c> (searched recursively) several photos of NAME; a photo given on its own is named after its
/// file. A name given for the run names every photo found. Walks are bounded: symbolic links are followed once
/// (a link back to a folder being walked is reported as a loop), at most <see cref="MaxDepth"/> folders deep
/// and <see cref="MaxPhotos"/> photos.
/// </summary>
public static class EnrollmentSources
{
    public const int MaxDepth = 32;
    public const int MaxPhotos = 1_000_000;

    private static readonly HashSet<string> ImageExtensions =
        new([".jpg", ".jpeg", ".png", ".bmp", ".webp"], StringComparer.OrdinalIgnoreCase);

    private static readonly EnumerationOptions OneLevel = new()
    {
        RecurseSubdirectories = false,
        IgnoreInaccessible = true,
        AttributesToSkip = FileAttributes.Hidden | FileAttributes.System,
        ReturnSpecialDirectories = false,
    };

    public static bool IsImageFile(string path) => ImageExtensions.Contains(Path.GetExtension(path));

    public static IReadOnlyList<EnrollmentSource> Find(IEnumerable<string> paths, string? name = null,
        CancellationToken ct = default)
    {
        if (name is not null) name = PersonName.Normalize(name);
        var walk = new Walk(ct);
        foreach (var path in paths)
        {
            if (File.Exists(path))
                walk.Add(new EnrollmentSource(path, name ?? IdentityOf(path)));
            else if (Directory.Exists(path))
                FromFolder(walk, path, name);
            else
                throw new VisageException($"{path}: no such file or folder");
        }
        return walk.Found;
    }

    private static void FromFolder(Walk walk, string folder, string? name)
    {
        walk.Enter(folder, depth: 0, out _);
        foreach (var file in Files(folder))
            walk.Add(new EnrollmentSource(file, name ?? IdentityOf(file)));
        foreach (var person in Folders(folder))
        {
            if (!walk.Enter(person, depth: 1, out var problem))
            {
                if (problem is not null) walk.Add(new EnrollmentSource(person, name ?? Path.GetFileName(person), problem));
                continue;
            }
            PersonFolder(walk, person, name ?? Path.GetFileName(person), depth: 1);
        }
    }

    private static void PersonFolder(Walk walk, string folder, string identity, int depth)
    {
        foreach (var file in Files(folder))
            walk.Add(new EnrollmentSource(file, identity));
        foreach (var inner in Folders(folder))
        {
            if (!walk.Enter(inner, depth + 1, out var problem))
            {
                if (problem is not null) walk.Add(new EnrollmentSource(inner, identity, problem));
                continue;
            }
            PersonFolder(walk, inner, identity, depth + 1);
        }
    }

    private static IEnumerable<string> Files(string folder) =>
        Directory.EnumerateFiles(folder, "*", OneLevel).Where(IsImageFile).Order(StringComparer.Ordinal);

    private static IEnumerable<string> Folders(string folder) =>
        Directory.EnumerateDirectories(folder, "*", OneLevel).Order(StringComparer.Ordinal);

    private static string IdentityOf(string photo) => Path.GetFileNameWithoutExtension(photo);

    /// <summary>What has been found so far, and which real folders have been walked (for loop detection).</summary>
    private sealed class Walk(CancellationToken ct)
    {
        private readonly HashSet<string> _visited = new(StringComparer.Ordinal);
        public List<EnrollmentSource> Found { get; } = [];

        public void Add(EnrollmentSource source)
        {
            ct.ThrowIfCancellationRequested();
            if (Found.Count >= MaxPhotos)
                throw new VisageException(
                    $"{source.Path}: more than {MaxPhotos:N0} photos found; enrol a smaller folder at a time");
            Found.Add(source);
        }

        /// <summary>False (with a problem to report, or none for a folder already walked) when the folder is skipped.</summary>
        public bool Enter(string folder, int depth, out string? problem)
        {
            problem = null;
            if (depth > MaxDepth)
            {
                problem = $"{folder}: more than {MaxDepth} folders deep, not searched";
                return false;
            }
            var real = RealPath(folder);
            if (_visited.Add(real)) return true;
            var link = new DirectoryInfo(folder).LinkTarget;
            if (link is not null)
                problem = $"{folder}: symbolic link loop (it leads back to {real}), not followed";
            return false;
        }
    }

    [DllImport("libc", EntryPoint = "realpath", SetLastError = true)]
    private static extern IntPtr RealPathNative([MarshalAs(UnmanagedType.LPUTF8Str)] string path, IntPtr resolved);

    [DllImport("libc", EntryPoint = "free")]
    private static extern void Free(IntPtr pointer);

    /// <summary>The folder's path with every symbolic link resolved, so two ways into one folder compare equal.</summary>
    private static string RealPath(string folder)
    {
        if (OperatingSystem.IsLinux() || OperatingSystem.IsMacOS())
        {
            var resolved = RealPathNative(folder, IntPtr.Zero);
            if (resolved != IntPtr.Zero)
            {
                try
                {
                    return Marshal.PtrToStringUTF8(resolved)!;
                }
                finally
                {
                    Free(resolved);
                }
            }
        }
        var info = new DirectoryInfo(folder);
        return (info.ResolveLinkTarget(returnFinalTarget: true) ?? info).FullName;
    }
}
