using System.CommandLine;
using System.Globalization;
using Spectre.Console;
using Visage.Benchmarking;
using Visage.Execution;

namespace Visage.Cli.Commands;

internal static class BenchCommand
{
    public static Command Create()
    {
        var images = new Option<string>("--images")
        {
            Description = "Folder of face photos, searched recursively (e.g. LFW's images/)",
            Required = true,
        };
        var count = new Option<int>("--count")
        {
            Description = "How many photos to use (the first ones, in order of path)",
            DefaultValueFactory = _ => 200,
        };
        var threads = new Option<int?>("--threads")
        {
            Description = "Threads for the all-cores pass (default: every core)",
        };
        var retune = new Option<bool>("--retune")
        {
            Description = "Time the ways to run each network again and replace the cached plans",
        };
        var saveNetworks = new Option<string?>("--save-networks")
        {
            Description = "Also write the networks as run, with networks.json, for bench/peer_opencv.py",
        };
        var command = new Command("bench", "Measure speed and memory on this machine, and choose how to run each network")
        {
            images, count, threads, retune, saveNetworks, CommonOptions.Json,
        };
        command.SetAction(CliRun.Action(async (run, ct) =>
        {
            var result = run.Result;
            var request = new BenchmarkRequest(result.GetValue(images)!, result.GetValue(count), result.GetValue(threads),
                result.GetValue(retune) ? ExecutionTuning.Retune : ExecutionTuning.Auto, result.GetValue(saveNetworks));
            if (request.Count < 1) throw new UsageException($"--count: must be at least 1, not {request.Count}");
            if (request.Workers is < 1) throw new UsageException($"--threads: must be at least 1, not {request.Workers}");
            PipelineBenchmark.FindPhotos(request.ImagesFolder, request.Count);

            var options = CommonOptions.RecognizerOptions(result, run.Home);
            await run.EnsurePackAsync(options, ct);
            var report = await run.WithStatusAsync("benchmark", status =>
                PipelineBenchmark.RunAsync(options, request, Progress(run, status), ct));
            if (run.Json) run.WriteJson(report);
            else Print(run, report);
            return ExitCodes.Success;
        }));
        return command;
    }

    /// <summary>
    /// Every step on a terminal's status line; in a log only the start and end of each counted phase, so that
    /// a run over hundreds of photos does not print a line per photo.
    /// </summary>
    private static IProgress<BenchmarkProgress> Progress(CliRun run, Action<string> status)
    {
        var interactive = run.Err.Profile.Capabilities.Interactive;
        return new Reported<BenchmarkProgress>(p =>
        {
            if (p.Total == 0)
            {
                if (interactive || !p.Detail) status(p.Phase);
            }
            else if (interactive || p.Done == 0 || p.Done == p.Total) status($"{p.Phase}: {p.Done} of {p.Total} photos");
        });
    }

    private static void Print(CliRun run, BenchmarkReport r)
    {
        var machine = r.Machine;
        run.Out.MarkupLineInterpolated(
            $"[bold]{r.Model}[/] on {machine.Cpu}, {machine.Cores} cores ({machine.Instructions}); load average {Load(machine.LoadBefore)} before, {Load(machine.LoadAfter)} after");
        var unreadable = r.Unreadable > 0 ? $", {r.Unreadable} unreadable" : "";
        run.Out.MarkupLineInterpolated($"{r.Photos} photos from {r.ImagesFolder}: {r.Faces} faces, {r.PhotosWithoutFaces} photos without a face{unreadable}");

        var stages = new Table().Title("one thread, ms per face").AddColumns("stage", "median", "p95", "CPU median", "CPU p95");
        foreach (var s in r.Stages.Append(r.EndToEnd))
            stages.AddRow(s.Stage, Ms(s.MedianMs), Ms(s.P95Ms), Ms(s.CpuMedianMs), Ms(s.CpuP95Ms));
        run.Out.Write(stages);

        var all = r.AllCores;
        run.Out.MarkupLineInterpolated(
            $"all cores ({all.Workers} threads, one pipeline): {all.PhotosPerSecond:0.0} photos/s, {all.FacesPerSecond:0.0} faces/s ({all.Photos} photos in {all.Seconds:0.00} s, {all.CpuSeconds:0.00} CPU s: {all.PhotosPerCpuSecond:0.0} photos per CPU second)");
        var tuned = r.Memory.IncludesTuning ? " (networks tuned in this run: run again for the pipeline alone)" : "";
        run.Out.MarkupLineInterpolated(
            $"resident memory: {Mb(r.Memory.BeforeLoad)} before loading, {Mb(r.Memory.Loaded)} loaded (pipeline {Mb(r.Memory.Pipeline)}), {Mb(r.Memory.AfterRun)} after the run{tuned}");

        var plans = new Table().Title("execution plans").AddColumns("network", "one thread (used here)", "tuned ms", "all cores", "source");
        foreach (var p in r.Plans)
            plans.AddRow(Markup.Escape(p.Network), Markup.Escape(p.Plan), p.TunedMedianMs is { } ms ? Ms(ms) : "-",
                Markup.Escape(p.AllCoresPlan ?? "-"), p.Source + (p.LoadWhenTuned is { } l ? $" (load {Load(l)})" : ""));
        run.Out.Write(plans);
    }

    private static string Ms(double ms) => ms.ToString("0.00", CultureInfo.InvariantCulture);
    private static string Mb(long bytes) => (bytes / 1048576.0).ToString("0", CultureInfo.InvariantCulture) + " MB";
    private static string Load(double? load) => load is { } l ? l.ToString("0.0", CultureInfo.InvariantCulture) : "unknown";
}
