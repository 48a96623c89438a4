using System.Diagnostics;

namespace Visage.Tests.TestData;

/// <summary>
/// Makes a file or folder read-only for everyone, root included (tests run as root in CI, and root ignores
/// permission bits): the immutable attribute (chattr +i) as root, plain permissions otherwise. Undone on Dispose.
/// </summary>
internal sealed class ReadOnlyFile : IDisposable
{
    private readonly string _path;
    private readonly bool _immutable;
    private readonly UnixFileMode _mode;

    public ReadOnlyFile(string path)
    {
        _path = path;
        _mode = File.GetUnixFileMode(path);
        _immutable = Environment.UserName == "root";
        if (_immutable)
            Run("chattr", "+i", path);
        else
            File.SetUnixFileMode(path, _mode & ~(UnixFileMode.UserWrite | UnixFileMode.GroupWrite | UnixFileMode.OtherWrite));
    }

    public void Dispose()
    {
        if (_immutable) Run("chattr", "-i", _path);
        else File.SetUnixFileMode(_path, _mode);
    }

    private static void Run(string program, params string[] args)
    {
        var start = new ProcessStartInfo(program) { RedirectStandardError = true, UseShellExecute = false };
        foreach (var arg in args) start.ArgumentList.Add(arg);
        using var process = Process.Start(start)!;
        var error = process.StandardError.ReadToEnd();
        process.WaitForExit();
        if (process.ExitCode != 0)
            throw new InvalidOperationException($"{program} {string.Join(' ', args)} failed: {error.Trim()} " +
                                                "(a read-only file is needed and root ignores permissions)");
    }
}
