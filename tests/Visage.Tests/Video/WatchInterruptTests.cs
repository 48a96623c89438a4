using System.Diagnostics;
using System.Text.Json;
using Visage.Tests.Cli;
using Visage.Tests.TestData;

namespace Visage.Tests.Video;

/// <summary>Ctrl+C (SIGINT) on a running <c>visage watch</c>: a normal end, with its summary and a finished video.</summary>
[Collection(CliCollection.Name)]
public sealed class WatchInterruptTests(WatchScenarioFixture scenario) : IClassFixture<WatchScenarioFixture>, IDisposable
{
    private readonly TempFolder _temp = new();

    public void Dispose() => _temp.Dispose();

    [Fact]
    public async Task Ctrl_c_ends_the_loop_with_a_summary_and_a_playable_output_video()
    {
        var output = _temp.File("interrupted.mp4");
        // Through env --default-signal: a suite started in the background (cmd &) has SIGINT ignored, which
        // children inherit; a user's terminal never does.
        var start = new ProcessStartInfo("env")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var arg in new[]
                 {
                     "--default-signal=INT", "dotnet", Path.Combine(AppContext.BaseDirectory, "Visage.Cli.dll"), "watch", "--video", scenario.Video,
                     "--db", scenario.Db, "--no-window", "--voice", "none", "--output", output, "--json",
                 })
            start.ArgumentList.Add(arg);
        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var watching = new TaskCompletionSource();
        var stderr = Task.Run(async () =>
        {
            var lines = new List<string>();
            while (await process.StandardError.ReadLineAsync() is { } line)
            {
                lines.Add(line);
                if (line.StartsWith("watching ", StringComparison.Ordinal)) watching.TrySetResult();
            }
            watching.TrySetResult();
            return string.Join('\n', lines);
        });

        await watching.Task.WaitAsync(TimeSpan.FromMinutes(2));
        // The video plays in real time for 9.5 s; stop it a little way in.
        await Task.Delay(TimeSpan.FromSeconds(1.5));
        using (var kill = Process.Start("kill", ["-INT", process.Id.ToString()])) await kill.WaitForExitAsync();
        var clock = Stopwatch.StartNew();
        await process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(30));

        var err = await stderr;
        Assert.True(process.ExitCode == 0, $"exit {process.ExitCode}\n{err}");
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(10), $"took {clock.Elapsed} to stop");
        var summary = JsonDocument.Parse(await stdout).RootElement;
        Assert.Equal("interrupted", summary.GetProperty("ending").GetString());
        var read = summary.GetProperty("framesRead").GetInt64();
        Assert.InRange(read, 1, WatchScenarioFixture.TotalFrames - 1);
        Assert.Equal(read, TestVideos.CountFrames(output));
    }
}
