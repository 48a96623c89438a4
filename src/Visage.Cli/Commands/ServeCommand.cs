using System.CommandLine;
using Visage.Server;

namespace Visage.Cli.Commands;

/// <summary><c>visage serve</c>: the HTTP API and the page, until Ctrl+C or SIGTERM.</summary>
internal static class ServeCommand
{
    public static readonly Option<string?> Data = new("--data")
    {
        HelpName = "FOLDER",
        Description = "The service's own folder: API keys (hashes only), the calibration plot, the strangers seen (default: $VISAGE_HOME/service)",
    };

    public static Command Create()
    {
        var urls = new Option<string>("--urls")
        {
            Description = "Where to listen, ';'-separated (use http://0.0.0.0:5170 to be reached from other machines)",
            DefaultValueFactory = _ => ServerOptions.DefaultUrl,
        };
        var maxRequest = CommonOptions.NumberOption("--max-request-mb", "Largest request body accepted, in megabytes", 10.0);
        var rateLimit = CommonOptions.NumberOption("--rate-limit",
            "Requests per second each key may make (429 with Retry-After beyond); 0 turns the limit off", 60);
        var confirm = CommonOptions.NumberOption("--confirm-frames",
            "The page's live view greets a person recognised in this many of the last --window-frames frames", 3);
        var window = CommonOptions.NumberOption("--window-frames", "How many recent frames --confirm-frames counts in", 5);
        var cooldown = new Option<string>("--cooldown")
        {
            Description = "No second greeting of a person until this long after the first: 30s, 10m, 1h",
            DefaultValueFactory = _ => "10m",
        };
        var retention = new Option<string>("--retention")
        {
            Description = "Camera events and their snapshots are deleted this long after they happened: 30d, 12h",
            DefaultValueFactory = _ => "30d",
        };
        var strangers = CommonOptions.NumberOption("--strangers",
            "Unknown faces kept and grouped for the Strangers view, at most (the oldest go first); 0 keeps none", 2000);
        var strangerDays = CommonOptions.NumberOption("--strangers-days", "Unknown faces are erased this many days after they were seen", 30.0);
        var command = new Command("serve", "Run the Visage service: the HTTP API, its reference at /docs, the page, and its cameras")
        {
            urls, CommonOptions.Db, Data, CommonOptions.ThresholdOption, maxRequest, rateLimit, confirm, window, cooldown,
            retention, strangers, strangerDays, CommonOptions.LivenessThreshold,
        };
        command.SetAction(CliRun.Action(async (run, ct) =>
        {
            var result = run.Result;
            var megabytes = result.GetValue(maxRequest);
            if (!(megabytes > 0)) throw new UsageException($"--max-request-mb: must be above 0, not {megabytes}");
            var rate = result.GetValue(rateLimit);
            if (rate < 0) throw new UsageException($"--rate-limit: must be 0 (off) or more, not {rate}");
            var keep = result.GetValue(strangers);
            if (keep < 0) throw new UsageException($"--strangers: must be 0 (keep none) or more, not {keep}");
            var days = result.GetValue(strangerDays);
            if (!(days > 0)) throw new UsageException($"--strangers-days: must be above 0, not {days}");
            var options = new ServerOptions
            {
                Strangers = new Server.Strangers.StrangerOptions
                {
                    Enabled = keep > 0, MaxFaces = Math.Max(1, keep), Retention = TimeSpan.FromDays(days),
                },
                Urls = result.GetValue(urls)!,
                Gallery = result.GetValue(CommonOptions.Db)!,
                DataFolder = result.GetValue(Data) ?? ServerOptions.DefaultDataFolder(run.Home),
                Threshold = CommonOptions.Threshold(result),
                MaxRequestBytes = (long)(megabytes * 1024 * 1024),
                RateLimit = rate,
                ConfirmFrames = result.GetValue(confirm),
                WindowFrames = result.GetValue(window),
                Cooldown = DurationText.Parse(result.GetValue(cooldown)!, "--cooldown"),
                Retention = DurationText.Parse(result.GetValue(retention)!, "--retention"),
            };
            if (options.Retention <= TimeSpan.Zero) throw new UsageException($"--retention: must be longer than zero, not {result.GetValue(retention)}");
            _ = new Video.GreetingPolicy(options.ConfirmFrames, options.WindowFrames, options.Cooldown);
            using var recognizer = await run.LoadRecognizerAsync(ct);
            await VisageServer.RunAsync(options, recognizer, line => Console.Out.WriteLine($"visage: {line}"), ct);
            ct.ThrowIfCancellationRequested();
            return ExitCodes.Success;
        }, stopGrace: TimeSpan.FromSeconds(5)));
        return command;
    }
}
