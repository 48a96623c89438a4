namespace Visage.Server;

/// <summary>
/// The service's own folder (keys, calibration plot; later camera events and snapshots): created owner-only,
/// and every file in it is named by the service, never by a client.
/// </summary>
internal static class DataFolder
{
    private const UnixFileMode OwnerOnlyFolder = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute;
    private const UnixFileMode OwnerOnlyFile = UnixFileMode.UserRead | UnixFileMode.UserWrite;

    /// <summary>Creates the folder (owner-only) when missing; returns its full path.</summary>
    public static string Ensure(string folder)
    {
        var full = Path.GetFullPath(folder);
        if (File.Exists(full)) throw new VisageException($"{folder}: is a file, not a data folder");
        if (!Directory.Exists(full))
        {
            if (OperatingSystem.IsWindows()) Directory.CreateDirectory(full);
            else Directory.CreateDirectory(full, OwnerOnlyFolder);
        }
        return full;
    }

    /// <summary>Creates an empty owner-only file when none is there (SQLite then opens it as it is).</summary>
    public static void CreatePrivateFile(string path)
    {
        if (File.Exists(path)) return;
        var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write };
        if (!OperatingSystem.IsWindows()) options.UnixCreateMode = OwnerOnlyFile;
        try
        {
            using var _ = new FileStream(path, options);
        }
        catch (IOException) when (File.Exists(path))
        {
            // Another process made it first: theirs is as good.
        }
    }

    /// <summary>Writes a file the service names, owner-only, replacing it whole (written aside, then moved).</summary>
    public static void WriteAtomically(string path, byte[] bytes)
    {
        var temporary = path + ".tmp";
        var options = new FileStreamOptions { Mode = FileMode.Create, Access = FileAccess.Write };
        if (!OperatingSystem.IsWindows()) options.UnixCreateMode = OwnerOnlyFile;
        using (var stream = new FileStream(temporary, options)) stream.Write(bytes);
        File.Move(temporary, path, overwrite: true);
    }
}
