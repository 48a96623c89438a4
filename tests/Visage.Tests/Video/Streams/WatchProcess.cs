using Visage.Tests.TestData;
using System.Diagnostics;
using System.Text;
using System.Text.Json;
using Visage.Tests.Cli;

namespace Visage.Tests.Video.Streams;

/// <summary>
/// A <c>visage watch</c> left running, as on a door: the test follows its <c>--events</c> file, waits for what
/// it expects to happen there, and stops it with Ctrl+C (SIGINT) like a person would.
/// </summary>
internal sealed class WatchProcess : IAsyncDisposable
{
    private static readonly TimeSpan Patience = TimeSpan.FromMinutes(3);

    private readonly Process _process;
    private readonly string _events;
    private readonly Task<string> _stdout;
    private readonly StringBuilder _stderr = new();
    private readonly Task _stderrDone;

    private WatchProcess(Process process, string events)
    {
        _process = process;
        _events = events;
        _stdout = process.StandardOutput.ReadToEndAsync();
        _stderrDone = Task.Run(async () =>
        {
            while (await process.StandardError.ReadLineAsync() is { } line)
                lock (_stderr) _stderr.AppendLine(line);
        });
    }

    public string Err
    {
        get { lock (_stderr) return _stderr.ToString(); }
    }

    /// <summary>Starts <c>visage watch ARGS --events EVENTS</c> with no window and no voice.</summary>
    public static WatchProcess Start(string events, params string[] args)
    {
        var start = CliProcess.StartInfo(["watch", .. args, "--events", events, "--no-window", "--voice", "none"]);
        return new WatchProcess(Process.Start(start)!, events);
    }

    /// <summary>The events written so far, in order (a line still being written is left for later).</summary>
    public IReadOnlyList<JsonElement> Events
    {
        get
        {
            if (!File.Exists(_events)) return [];
            using var stream = new FileStream(_events, FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
            var text = new StreamReader(stream).ReadToEnd();
            return text[..(text.LastIndexOf('\n') + 1)]
                .Split('\n', StringSplitOptions.RemoveEmptyEntries)
                .Select(line => JsonDocument.Parse(line).RootElement)
                .ToList();
        }
    }

    /// <summary>Waits until the events hold one that matches, and returns its position in the file.</summary>
    public async Task<int> WaitForAsync(string what, Func<JsonElement, bool> match) =>
        await WaitUntilAsync(what, events => events.ToList().FindIndex(e => match(e)) is var i and >= 0 ? i : null);

    /// <summary>Waits until <paramref name="check"/> finds what it looks for in the events.</summary>
    public async Task<int> WaitUntilAsync(string what, Func<IReadOnlyList<JsonElement>, int?> check)
    {
        var clock = Stopwatch.StartNew();
        while (true)
        {
            if (check(Events) is { } found) return found;
            if (_process.HasExited)
                throw new InvalidOperationException($"watch exited (status {_process.ExitCode}) before {what}\n{Err}");
            if (clock.Elapsed > Patience)
                throw new TimeoutException($"no {what} after {Patience}\n{Err}\nevents:\n{string.Join('\n', Events)}");
            await Task.Delay(100);
        }
    }

    /// <summary>Ctrl+C, then what it printed and its exit status.</summary>
    public async Task<VisageCli.Result> InterruptAsync()
    {
        using (var kill = Process.Start("kill", ["-INT", _process.Id.ToString()])!) await kill.WaitForExitAsync();
        await _process.WaitForExitAsync().WaitAsync(TimeSpan.FromMinutes(1));
        await _stderrDone;
        return new VisageCli.Result(_process.ExitCode, await _stdout, Err);
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }
        _process.Dispose();
    }
}
