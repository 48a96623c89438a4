using System.Diagnostics;
using Visage.Recognition;
using Visage.Search;

namespace Visage.IndexBench;

/// <summary>
/// The graph grown in steps of --step faces over the gallery's rows, in order. After each step: its build time
/// so far, native memory, search p50/p99 on one thread over every probe, and recall@1 against the exact nearest
/// among the rows added so far (exact search over each new step's rows, merged into the running nearest). Each
/// step's row is written to the report at once, so a run stopped early keeps every size it reached.
/// </summary>
internal static class Staged
{
    public static Task RunAsync(Options options, Report report, int total, Func<int, IndexedFace> row,
        IReadOnlyList<float[]> probes, int lfwProbes, int dimensions)
    {
        var truth = new IdentityDistance?[probes.Count];
        var lfw = probes.Take(lfwProbes).ToList();
        var synthetic = probes.Skip(lfwProbes).ToList();
        using var hnsw = new HnswFaceIndex(dimensions, options.Hnsw);
        var building = TimeSpan.Zero;
        var truthTime = TimeSpan.Zero;
        for (var start = 0; start < total; start += options.Step)
        {
            var faces = Enumerable.Range(start, Math.Min(options.Step, total - start)).Select(row).ToList();

            var clock = Stopwatch.StartNew();
            using (var exact = new ExactFaceIndex(dimensions, faces.Count))
            {
                exact.Add(faces);
                var nearest = exact.NearestOfEach(probes, Environment.ProcessorCount);
                for (var q = 0; q < probes.Count; q++)
                    if (nearest[q] is { } found && (truth[q] is not { } best || IdentityRanking.Compare(found, best) < 0))
                        truth[q] = found;
            }
            truthTime += clock.Elapsed;

            clock.Restart();
            hnsw.Add(faces);
            building += clock.Elapsed;
            var size = start + faces.Count;
            Console.Error.WriteLine($"  hnsw: {size:N0} faces, built in {building.TotalSeconds:0} s ({size / building.TotalSeconds:0} a second); truth {truthTime.TotalSeconds:0} s; load {Measure.Load()}");

            GC.Collect();
            var (search, _) = Measure.TimeSearches(hnsw, probes, 1);
            var recallLfw = Measure.Recall(hnsw, lfw, truth.Take(lfwProbes).ToList());
            var recallSynthetic = Measure.Recall(hnsw, synthetic, truth.Skip(lfwProbes).ToList());
            report.Note($"{size:N0} faces: graph built in {building.TotalSeconds:0.0} s with {options.Hnsw.Threads} threads, " +
                        $"process memory {Measure.Rss()}, load average {Measure.Load()}");
            report.Row("hnsw", size, building.TotalSeconds, hnsw.NativeMemoryBytes, search, recallLfw, recallSynthetic);
            foreach (var ef in options.ExpansionSweep)
            {
                // The same graph searched with another ef: what recall more candidates buy, and at what cost.
                hnsw.ChangeExpansionSearch(ef);
                var (timing, _) = Measure.TimeSearches(hnsw, probes, 1);
                report.Note($"{size:N0} faces, ef_search {ef}: p50 {timing.P50:0.00} ms, p99 {timing.P99:0.00} ms, recall@1 LFW " +
                            $"{Measure.Recall(hnsw, lfw, truth.Take(lfwProbes).ToList()):0.0000}, synthetic " +
                            $"{Measure.Recall(hnsw, synthetic, truth.Skip(lfwProbes).ToList()):0.0000}; load average {Measure.Load()}");
            }
            if (options.ExpansionSweep.Length > 0)
            {
                hnsw.ChangeExpansionSearch(options.Hnsw.ExpansionSearch);
                report.Write();
            }
            if ((start / options.Step) % 2 == 1) SaveAndLoad(options, report, hnsw, probes, dimensions, size);
        }
        SaveAndLoad(options, report, hnsw, probes, dimensions, total);
        report.Note($"finished {DateTimeOffset.Now:u}; load average {Measure.Load()}");
        report.Write();
        return Task.CompletedTask;
    }

    /// <summary>Saved and loaded back, as a restart would.</summary>
    private static void SaveAndLoad(Options options, Report report, HnswFaceIndex hnsw, IReadOnlyList<float[]> probes,
        int dimensions, int size)
    {
        var folder = Path.Combine(options.Out, "saved-index");
        if (Directory.Exists(folder)) Directory.Delete(folder, recursive: true);
        var save = Stopwatch.StartNew();
        FaceIndexFile.Save(hnsw, folder, "bench");
        var saveSeconds = save.Elapsed.TotalSeconds;
        var load = Stopwatch.StartNew();
        var (loaded, whyNot) = FaceIndexFile.TryLoad(folder, "bench", dimensions, options.Hnsw);
        var loadSeconds = load.Elapsed.TotalSeconds;
        if (loaded is null) throw new InvalidOperationException($"the saved index did not load: {whyNot}");
        using (loaded)
        {
            var same = probes.Take(300).Count(p => loaded.Search(p, 1)[0] == hnsw.Search(p, 1)[0]);
            report.Note($"{size:N0} faces: saved in {saveSeconds:0.0} s ({Directory.GetFiles(folder).Sum(f => new FileInfo(f).Length) / 1e9:0.00} GB), " +
                        $"loaded in {loadSeconds:0.0} s; {same} of {Math.Min(300, probes.Count)} answers the same after loading");
        }
        Directory.Delete(folder, recursive: true);
    }
}
