using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.Json;
using Visage.IndexBench;
using Visage.Recognition;
using Visage.Search;

// The face index at scale: a gallery of N identities (every LFW person's first photo, the rest synthetic),
// probed with the other LFW photos (real faces) and with second "photos" of synthetic identities.
// Measures exact search at several sizes, and for HNSW: build time and memory, save and load time, search
// p50/p99 on one thread, recall@1 against exact search. Re-runnable; writes report.md and report.json to --out.
//   dotnet run -c Release --project bench/Visage.IndexBench -- [--identities 1000000] [--synthetic lfw|uniform]
//     [--exact-sizes 10000,20000,50000,100000] [--hnsw-small 100000] [--connectivity 16] [--expansion-add 128]
//     [--expansion-search 64] [--min-candidates 64] [--threads N] [--synthetic-probes 300] [--out bench-out/index]
var options = Options.Parse(args);
var culture = CultureInfo.InvariantCulture;
var report = new Report(options);
report.Note($"started {DateTimeOffset.Now:u}; load average {Measure.Load()}");

var shared = Environment.GetEnvironmentVariable("VISAGE_SHARED") ?? Path.Combine("..", "shared");
var images = options.Images ?? Path.Combine(shared, "data", "lfw", "images");
if (!Directory.Exists(images))
{
    Console.Error.WriteLine($"index bench: {images}: no such folder of LFW images (set VISAGE_SHARED or --images)");
    return 1;
}

var clock = Stopwatch.StartNew();
Directory.CreateDirectory(options.Out);
var (photos, modelId) = await LfwEncodings.LoadAsync(images, Path.Combine(options.Out, "lfw-encodings.db"));
report.Note($"{photos.Count} LFW photos encoded by {modelId} ({photos[0].Embedding.Length}-d) in {clock.Elapsed.TotalSeconds:0.0} s (cached after the first run)");

// The gallery: row r is face id r + 1. Rows 0..L-1 are LFW people (their first photo), the rest synthetic.
var byPerson = photos.GroupBy(p => p.Person, StringComparer.Ordinal).OrderBy(g => g.Key, StringComparer.Ordinal).ToList();
var lfwRows = byPerson.Select(g => g.First()).ToList();
var synthetic = new SyntheticFaces(options.Synthetic, 11, lfwRows.Select(p => p.Embedding).ToList());
var dimensions = synthetic.Dimensions;
var total = options.Identities;
if (total < lfwRows.Count) throw new ArgumentException($"--identities must be at least the {lfwRows.Count} LFW people");
IndexedFace Row(int row) => row < lfwRows.Count
    ? new IndexedFace(row + 1, lfwRows[row].Person, lfwRows[row].Embedding)
    : new IndexedFace(row + 1, $"synthetic{row:D7}", synthetic.Identity(row));
IEnumerable<List<IndexedFace>> Rows(int count, int batch = 50_000)
{
    for (var start = 0; start < count; start += batch)
        yield return Enumerable.Range(start, Math.Min(batch, count - start)).Select(Row).ToList();
}

// Probes: every other LFW photo (a second photo of someone enrolled), and second photos of synthetic people.
var lfwProbes = byPerson.SelectMany(g => g.Skip(1)).Select(p => p.Embedding).ToList();
var probeRandom = new Random(5);
var syntheticProbes = Enumerable.Range(0, options.SyntheticProbes)
    .Select(_ => synthetic.SecondPhoto(lfwRows.Count + probeRandom.Next(total - lfwRows.Count), 0.5f)).ToList();
var probes = lfwProbes.Concat(syntheticProbes).ToList();
report.Note($"gallery: {total:N0} identities, one face each: {lfwRows.Count:N0} LFW people, {total - lfwRows.Count:N0} synthetic ({options.Synthetic}); " +
            $"probes: {lfwProbes.Count:N0} other LFW photos, {syntheticProbes.Count:N0} synthetic second photos");

if (options.Step > 0)
{
    // Staged: the graph grows by --step faces at a time and is measured after each step against the exact
    // nearest among the faces added so far, so a run cut short still reports every size it reached.
    await Staged.RunAsync(options, report, total, Row, probes, lfwProbes.Count, dimensions);
    return 0;
}

// Exact search over the whole gallery: the ground truth, and its own speed.
clock.Restart();
var exact = new ExactFaceIndex(dimensions, total);
foreach (var batch in Rows(total)) exact.Add(batch);
var exactBuild = clock.Elapsed.TotalSeconds;
GC.Collect();
report.Note($"exact index of {total:N0}: filled in {exactBuild:0.0} s, process memory {Measure.Rss()}");
clock.Restart();
var truth = exact.NearestOfEach(probes, Environment.ProcessorCount);
report.Note($"ground truth for {probes.Count:N0} probes (blocked exact search, {Environment.ProcessorCount} threads): {clock.Elapsed.TotalSeconds:0.0} s");
var exactLarge = Measure.TimeSearches(exact, probes.Take(options.ExactLargeProbes).ToList(), 1);
for (var i = 0; i < options.ExactLargeProbes; i++)
    if (exact.Search(probes[i], 1)[0] != truth[i]) throw new InvalidOperationException($"probe {i}: exact search disagrees with the blocked one");
report.Row("exact", total, null, null, exactLarge, null, null);
exact.Dispose();
exact = null;
GC.Collect();

// Exact and HNSW at smaller sizes, where the threshold between them lies.
foreach (var size in options.ExactSizes.Where(s => s < total))
{
    using var small = new ExactFaceIndex(dimensions, size);
    foreach (var batch in Rows(size)) small.Add(batch);
    var sample = probes.Take(options.SmallProbes).ToList();
    report.Row("exact", size, null, null, Measure.TimeSearches(small, sample, 1), null, null);
    if (size != options.HnswSmall) continue;
    var smallTruth = small.NearestOfEach(sample, Environment.ProcessorCount);
    clock.Restart();
    using var hnswSmall = new HnswFaceIndex(dimensions, options.Hnsw);
    foreach (var batch in Rows(size)) hnswSmall.Add(batch);
    var build = clock.Elapsed.TotalSeconds;
    report.Row("hnsw", size, build, hnswSmall.NativeMemoryBytes, Measure.TimeSearches(hnswSmall, sample, 1),
        Measure.Recall(hnswSmall, sample, smallTruth), null);
}

// HNSW over the whole gallery.
clock.Restart();
var hnsw = new HnswFaceIndex(dimensions, options.Hnsw);
foreach (var batch in Rows(total))
{
    hnsw.Add(batch);
    var done = hnsw.Count;
    Console.Error.WriteLine($"  hnsw: {done:N0} faces in {clock.Elapsed.TotalSeconds:0} s ({done / clock.Elapsed.TotalSeconds:0} a second), load {Measure.Load()}");
}
var hnswBuild = clock.Elapsed.TotalSeconds;
GC.Collect();
var hnswMemory = hnsw.NativeMemoryBytes;
report.Note($"hnsw index of {total:N0}: built in {hnswBuild:0.0} s with {options.Hnsw.Threads} threads; native memory {hnswMemory / 1e9:0.00} GB; process memory {Measure.Rss()}");
var search1 = Measure.TimeSearches(hnsw, probes, 1);
var recallLfw = Measure.Recall(hnsw, lfwProbes, truth.Take(lfwProbes.Count).ToList());
var recallSynthetic = Measure.Recall(hnsw, syntheticProbes, truth.Skip(lfwProbes.Count).ToList());
var search5 = Measure.TimeSearches(hnsw, probes.Take(options.SmallProbes).ToList(), 5);
report.Row("hnsw", total, hnswBuild, hnswMemory, search1, recallLfw, recallSynthetic);
report.Note($"hnsw top-5 identities at {total:N0}: p50 {search5.P50:0.00} ms, p99 {search5.P99:0.00} ms ({search5.Count} probes)");
var answers = probes.Take(options.SmallProbes).Select(p => hnsw.Search(p, 1)[0]).ToList();

// Saved beside the gallery and loaded back, as a restart would.
var folder = Path.Combine(options.Out, "saved-index");
if (Directory.Exists(folder)) Directory.Delete(folder, recursive: true);
clock.Restart();
FaceIndexFile.Save(hnsw, folder, "bench");
var saveSeconds = clock.Elapsed.TotalSeconds;
var savedBytes = Directory.GetFiles(folder).Sum(f => new FileInfo(f).Length);
hnsw.Dispose();
GC.Collect();
clock.Restart();
var (loaded, whyNot) = FaceIndexFile.TryLoad(folder, "bench", dimensions, options.Hnsw);
var loadSeconds = clock.Elapsed.TotalSeconds;
if (loaded is null) throw new InvalidOperationException($"the saved index did not load: {whyNot}");
var sameAfterLoad = probes.Take(options.SmallProbes).Select((p, i) => loaded.Search(p, 1)[0] == answers[i]).Count(x => x);
var afterLoad = Measure.TimeSearches(loaded, probes.Take(options.SmallProbes).ToList(), 1);
report.Note($"saved in {saveSeconds:0.0} s ({savedBytes / 1e9:0.00} GB), loaded in {loadSeconds:0.0} s; " +
            $"{sameAfterLoad} of {answers.Count} answers the same after loading; search after loading p50 {afterLoad.P50:0.00} ms, p99 {afterLoad.P99:0.00} ms");
loaded.Dispose();
Directory.Delete(folder, recursive: true);

report.Note($"finished {DateTimeOffset.Now:u}; load average {Measure.Load()}; peak process memory {Process.GetCurrentProcess().PeakWorkingSet64 / 1e9:0.00} GB");
report.Write();
return 0;

internal static class Measure
{
    public static Timing TimeSearches(IFaceIndex index, IReadOnlyList<float[]> queries, int identities)
{
    for (var i = 0; i < Math.Min(20, queries.Count); i++) index.Search(queries[i], identities);
    var times = new double[queries.Count];
    for (var i = 0; i < queries.Count; i++)
    {
        var started = Stopwatch.GetTimestamp();
        index.Search(queries[i], identities);
        times[i] = Stopwatch.GetElapsedTime(started).TotalMilliseconds;
    }
    Array.Sort(times);
    return new Timing(times.Length, times[times.Length / 2], times[Math.Min(times.Length - 1, (int)Math.Ceiling(times.Length * 0.99) - 1)]);
}

    public static double Recall(IFaceIndex index, IReadOnlyList<float[]> queries, IReadOnlyList<IdentityDistance?> truth)
{
    var right = 0;
    for (var i = 0; i < queries.Count; i++)
        if (index.Search(queries[i], 1).FirstOrDefault() == truth[i]) right++;
    return queries.Count == 0 ? double.NaN : (double)right / queries.Count;
}

    public static string Rss()
{
    using var process = Process.GetCurrentProcess();
    return $"{process.WorkingSet64 / 1e9:0.00} GB";
}

    public static string Load() => File.Exists("/proc/loadavg") ? string.Join(' ', File.ReadAllText("/proc/loadavg").Split(' ').Take(3)) : "?";
}

internal sealed record Timing(int Count, double P50, double P99);

internal sealed class Options
{
    public int Identities { get; private set; } = 1_000_000;
    public string Synthetic { get; private set; } = "lfw";
    public int[] ExactSizes { get; private set; } = [10_000, 20_000, 50_000, 100_000];
    public int HnswSmall { get; private set; } = 100_000;
    public int SyntheticProbes { get; private set; } = 300;
    public int SmallProbes { get; private set; } = 300;
    public int ExactLargeProbes { get; private set; } = 10;
    public string Out { get; private set; } = Path.Combine("bench-out", "index");
    public string? Images { get; private set; }
    public HnswOptions Hnsw { get; private set; } = HnswOptions.Default;
    public int Step { get; private set; }
    public int[] ExpansionSweep { get; private set; } = [];

    public static Options Parse(string[] args)
    {
        var o = new Options();
        for (var i = 0; i < args.Length; i += 2)
        {
            var value = i + 1 < args.Length ? args[i + 1] : throw new ArgumentException($"{args[i]} needs a value");
            int Int() => int.Parse(value, CultureInfo.InvariantCulture);
            switch (args[i])
            {
                case "--identities": o.Identities = Int(); break;
                case "--synthetic": o.Synthetic = value; break;
                case "--exact-sizes": o.ExactSizes = value.Split(',').Select(s => int.Parse(s, CultureInfo.InvariantCulture)).ToArray(); break;
                case "--hnsw-small": o.HnswSmall = Int(); break;
                case "--synthetic-probes": o.SyntheticProbes = Int(); break;
                case "--small-probes": o.SmallProbes = Int(); break;
                case "--out": o.Out = value; break;
                case "--images": o.Images = value; break;
                case "--connectivity": o.Hnsw = o.Hnsw with { Connectivity = Int() }; break;
                case "--expansion-add": o.Hnsw = o.Hnsw with { ExpansionAdd = Int() }; break;
                case "--expansion-search": o.Hnsw = o.Hnsw with { ExpansionSearch = Int() }; break;
                case "--min-candidates": o.Hnsw = o.Hnsw with { MinCandidates = Int() }; break;
                case "--threads": o.Hnsw = o.Hnsw with { Threads = Int() }; break;
                case "--step": o.Step = Int(); break;
                case "--ef-sweep": o.ExpansionSweep = value.Split(',').Select(v => int.Parse(v, CultureInfo.InvariantCulture)).ToArray(); break;
                default: throw new ArgumentException($"unknown option {args[i]}");
            }
        }
        return o;
    }
}

internal sealed class Report(Options options)
{
    private readonly List<string> _notes = [];
    private readonly List<Dictionary<string, object?>> _rows = [];

    public void Note(string line)
    {
        Console.Error.WriteLine(line);
        _notes.Add(line);
    }

    public void Row(string kind, int faces, double? buildSeconds, long? nativeBytes, Timing search, double? recallLfw,
        double? recallSynthetic)
    {
        var row = new Dictionary<string, object?>
        {
            ["kind"] = kind, ["faces"] = faces, ["build_s"] = buildSeconds, ["native_memory_bytes"] = nativeBytes,
            ["probes"] = search.Count, ["p50_ms"] = search.P50, ["p99_ms"] = search.P99,
            ["recall_at_1_lfw"] = recallLfw, ["recall_at_1_synthetic"] = recallSynthetic,
        };
        _rows.Add(row);
        Console.Error.WriteLine(JsonSerializer.Serialize(row));
        if (options.Step > 0) Write();
    }

    public void Write()
    {
        Directory.CreateDirectory(options.Out);
        string? Cpu(string key) => File.Exists("/proc/cpuinfo")
            ? File.ReadLines("/proc/cpuinfo").FirstOrDefault(l => l.Split(':')[0].Trim() == key)?.Split(':')[1].Trim()
            : null;
        var cpu = Cpu("model name") is { } name ? $"{name} (family {Cpu("cpu family")} model {Cpu("model")})" : null;
        var md = new StringBuilder();
        md.AppendLine($"CPU: {cpu ?? "unknown"}, {Environment.ProcessorCount} cores; searches on one thread; HNSW built with {options.Hnsw.Threads} threads " +
                      $"(M {options.Hnsw.Connectivity}, ef_add {options.Hnsw.ExpansionAdd}, ef_search {options.Hnsw.ExpansionSearch}, candidates {options.Hnsw.MinCandidates}); synthetic: {options.Synthetic}");
        md.AppendLine();
        md.AppendLine("| index | faces | build s | native memory | probes | search p50 ms | search p99 ms | recall@1 LFW | recall@1 synthetic |");
        md.AppendLine("| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |");
        foreach (var r in _rows)
            md.AppendLine($"| {r["kind"]} | {r["faces"]:N0} | {F(r["build_s"], "0.0")} | {(r["native_memory_bytes"] is long b ? $"{b / 1e9:0.00} GB" : "")} | {r["probes"]} | " +
                          $"{F(r["p50_ms"], "0.00")} | {F(r["p99_ms"], "0.00")} | {F(r["recall_at_1_lfw"], "0.0000")} | {F(r["recall_at_1_synthetic"], "0.0000")} |");
        md.AppendLine();
        foreach (var note in _notes) md.AppendLine($"- {note}");
        File.WriteAllText(Path.Combine(options.Out, "report.md"), md.ToString());
        File.WriteAllText(Path.Combine(options.Out, "report.json"),
            JsonSerializer.Serialize(new { cpu, cores = Environment.ProcessorCount, options.Synthetic, hnsw = options.Hnsw, rows = _rows, notes = _notes },
                new JsonSerializerOptions { WriteIndented = true }));
        Console.WriteLine(md);
    }

    private static string F(object? value, string format) => value is double d ? d.ToString(format, CultureInfo.InvariantCulture) : "";
}
