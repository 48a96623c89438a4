using System.Diagnostics;

namespace Visage.Tests.TestData;

/// <summary>How the tests start the visage command as a process of its own.</summary>
internal static class CliProcess
{
    /// <summary>
    /// <c>dotnet Visage.Cli.dll ARGS</c> with its output redirected, through <c>env --default-signal=INT</c>: a suite
    /// started in the background (<c>./test &amp;</c>) has SIGINT ignored, a disposition its children inherit and
    /// .NET keeps, so a test's Ctrl+C would never arrive. env execs the command: the process id stays the same.
    /// </summary>
    public static ProcessStartInfo StartInfo(IEnumerable<string> args)
    {
        var start = new ProcessStartInfo("env")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var arg in (string[])["--default-signal=INT", Dotnet, Path.Combine(AppContext.BaseDirectory, "Visage.Cli.dll")])
            start.ArgumentList.Add(arg);
        foreach (var arg in args) start.ArgumentList.Add(arg);
        return start;
    }

    // A full path, found on this process's PATH: env looks the command up on the child's, which a test may empty.
    private static readonly string Dotnet =
        (Environment.GetEnvironmentVariable("PATH") ?? "").Split(':', StringSplitOptions.RemoveEmptyEntries)
        .Select(folder => Path.Combine(folder, "dotnet"))
        .FirstOrDefault(File.Exists) ?? "dotnet";
}
