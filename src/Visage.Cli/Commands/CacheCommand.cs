using System.CommandLine;
using Spectre.Console;

namespace Visage.Cli.Commands;

/// <summary><c>visage cache clear</c>: erases what Visage derived from people's photos (models stay).</summary>
internal static class CacheCommand
{
    public static Command Create()
    {
        var clear = new Command("clear",
            "Erase the cached galleries of --known folders and the cached encodings of evaluate and calibrate (models stay)")
        {
            CommonOptions.Json,
        };
        clear.SetAction(CliRun.Action((run, _) =>
        {
            IReadOnlyList<string> removed;
            try
            {
                removed = run.Home.ClearFaceCaches();
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                throw new VisageException($"{run.Home.Root}: cannot clear the cache ({e.Message})");
            }
            if (run.Json) run.WriteJson(new { Cache = run.Home.Root, Removed = removed });
            else run.Out.MarkupLineInterpolated($"removed {removed.Count} files from {CliRun.Safe(run.Home.Root)}");
            return Task.FromResult(ExitCodes.Success);
        }));
        return new Command("cache", "The Visage cache ($VISAGE_HOME)") { clear };
    }
}
