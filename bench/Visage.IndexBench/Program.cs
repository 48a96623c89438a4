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
//     [--exact-sizes 20000,100000] [--connectivity 16] [--expansion-add 128] [--expansion-search 256]
//     [--scalar f32|f16|i8] [--min-candidates 64] [--threads N] [--lfw-probes N] [--synthetic-probes 300]
//     [--ef-sweep 128,512] [--save-load yes|no] [--replica yes|no] [--snapshot yes|no] [--load-index FOLDER] [--search-after-load yes|no] [--step N] [--encodings FILE] [--out bench-out/index]
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
var (photos, modelId) = await LfwEncodings.LoadAsync(images, options.Encodings ?? Path.Combine(options.Out, "lfw-encodings.db"));
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

// Probes: the other LFW photos (a second photo of someone enrolled; --lfw-probes keeps an evenly spread
// subset), and second photos of synthetic people.
var allLfwProbes = byPerson.SelectMany(g => g.Skip(1)).Select(p => p.Embedding).ToList();
var lfwProbes = options.LfwProbes >= allLfwProbes.Count
    ? allLfwProbes
    : Enumerable.Range(0, options.LfwProbes).Select(i => allLfwProbes[(int)((long)i * allLfwProbes.Count / options.LfwProbes)]).ToList();
var probeRandom = new Random(5);
var syntheticProbes = Enumerable.Range(0, options.SyntheticProbes)
    .Select(_ => synthetic.SecondPhoto(lfwRows.Count + probeRandom.Next(total - lfwRows.Count), 0.5f)).ToList();
var probes = lfwProbes.Concat(syntheticProbes).ToList();
report.Note($"gallery: {total:N0} identities, one face each: {lfwRows.Count:N0} LFW people, {total - lfwRows.Count:N0} synthetic ({options.Synthetic}); " +
            $"probes: {lfwProbes.Count:N0} of the {allLfwProbes.Count:N0} other LFW photos, {syntheticProbes.Count:N0} synthetic second photos");

if (options.LoadIndex is { } saved)
{
    // The replica start alone, from an index this bench saved earlier (same --identities and --synthetic, so
    // the same faces): what a quiet window too short for building and starting both leaves to do.
    clock.Restart();
    var (loadedIndex, whyNotLoaded) = FaceIndexFile.TryLoad(saved, "bench", dimensions, options.Hnsw);
    if (loadedIndex is not HnswFaceIndex loadedGraph) throw new InvalidOperationException($"{saved}: {whyNotLoaded}");
    report.Note($"index of {loadedGraph.Count:N0} faces loaded from {saved} in {clock.Elapsed.TotalSeconds:0.0} s; load average {Measure.Load()}");
    if (loadedGraph.Count != total) throw new InvalidOperationException($"{saved} holds {loadedGraph.Count} faces, not {total}");
    if (options.SearchAfterLoad)
    {
        clock.Restart();
        var truthAfterLoad = loadedGraph.Exact.NearestOfEach(probes, Environment.ProcessorCount);
        report.Note($"ground truth for {probes.Count:N0} probes: {clock.Elapsed.TotalSeconds:0.0} s");
        Sweep(loadedGraph, truthAfterLoad, "after loading");
        report.Write();
    }
    if (options.Replica)
        await ReplicaStart.RunAsync(options, report, loadedGraph, total, Row, i => synthetic.Identity(total + i), dimensions, modelId);
    else
        loadedGraph.Dispose();
    report.Note($"finished {DateTimeOffset.Now:u}; load average {Measure.Load()}; peak process memory {Process.GetCurrentProcess().PeakWorkingSet64 / 1e9:0.00} GB");
    report.Write();
    return 0;
}

if (options.Step > 0)
{
    // Staged: the graph grows by --step faces at a time and is measured after each step against the exact
    // nearest among the faces added so far, so a run cut short still reports every size it reached.
    await Staged.RunAsync(options, report, total, Row, probes, lfwProbes.Count, dimensions);
    return 0;
}

// Exact search at smaller sizes (the first rows): where the threshold between exact and HNSW lies, and the
// 100,000-face target.
foreach (var size in options.ExactSizes.Where(s => s <= total))
{
    clock.Restart();
    using var small = new ExactFaceIndex(dimensions, size);
    foreach (var batch in Rows(size)) small.Add(batch);
    var filled = clock.Elapsed.TotalSeconds;
    var sample = probes.Take(options.SmallProbes).ToList();
    var (timing, _) = Measure.TimeSearches(small, sample, 1);
    report.Row("exact", size, filled, (long)size * dimensions * sizeof(float), timing, null, null);
}

// HNSW over the whole gallery, built from batches as an enrolment or a rebuild would add them.
clock.Restart();
var cpuBefore = Process.GetCurrentProcess().TotalProcessorTime;
var hnsw = new HnswFaceIndex(dimensions, options.Hnsw);
foreach (var batch in Rows(total))
{
    hnsw.Add(batch);
    var done = hnsw.Count;
    Console.Error.WriteLine($"  hnsw: {done:N0} faces in {clock.Elapsed.TotalSeconds:0} s ({done / clock.Elapsed.TotalSeconds:0} a second), load {Measure.Load()}");
}
var hnswBuild = clock.Elapsed.TotalSeconds;
report.Note($"faces inserted again after a parallel add because the graph could not reach them: {hnsw.Relinked} " +
            $"(checking and inserting again took {hnsw.RelinkCheckTime.TotalSeconds:0.0} s of the build)");
var buildCpu = (Process.GetCurrentProcess().TotalProcessorTime - cpuBefore).TotalSeconds;
GC.Collect();
var graphMemory = hnsw.GraphMemoryBytes;
report.Note($"hnsw index of {total:N0}: built in {hnswBuild:0.0} s with {options.Hnsw.Threads} threads ({total / hnswBuild:0} faces a second; {buildCpu:0.0} CPU s, {buildCpu * 1000 / total:0.00} CPU ms a face); " +
            $"graph {graphMemory / 1e9:0.00} GB native + float32 encodings {(long)total * dimensions * 4 / 1e9:0.00} GB; process memory {Measure.Rss()}; load average {Measure.Load()}");

// The ground truth: exact search over the same float32 encodings the index ranks by.
clock.Restart();
cpuBefore = Process.GetCurrentProcess().TotalProcessorTime;
var truth = hnsw.Exact.NearestOfEach(probes, Environment.ProcessorCount);
report.Note($"ground truth for {probes.Count:N0} probes (blocked exact search, {Environment.ProcessorCount} threads): {clock.Elapsed.TotalSeconds:0.0} s, " +
            $"{(Process.GetCurrentProcess().TotalProcessorTime - cpuBefore).TotalSeconds:0.0} CPU s; load average {Measure.Load()}");
var (exactLarge, exactAnswers) = Measure.TimeSearches(hnsw.Exact, probes.Take(options.ExactLargeProbes).ToList(), 1);
for (var i = 0; i < exactAnswers.Count; i++)
    if (exactAnswers[i] != truth[i]) throw new InvalidOperationException($"probe {i}: exact search disagrees with the blocked one");
report.Row("exact", total, null, (long)total * dimensions * sizeof(float), exactLarge, null, null);

var (search1, answers1) = Measure.TimeSearches(hnsw, probes, 1);
report.Row("hnsw", total, hnswBuild, hnsw.NativeMemoryBytes, search1,
    Measure.Recall(answers1.Take(lfwProbes.Count).ToList(), truth.Take(lfwProbes.Count).ToList()),
    Measure.Recall(answers1.Skip(lfwProbes.Count).ToList(), truth.Skip(lfwProbes.Count).ToList()));
Measure.Misses(report, probes, answers1, truth, hnsw.Exact, lfwProbes.Count);
var (search5, _) = Measure.TimeSearches(hnsw, probes.Take(options.SmallProbes).ToList(), 5);
report.Note($"hnsw top-5 identities at {total:N0}: p50 {search5.P50:0.00} ms, p99 {search5.P99:0.00} ms ({search5.Count} probes)");
report.Note($"after the build, ef_search {options.Hnsw.ExpansionSearch}: " + Measure.ByKind(search1, lfwProbes.Count));
if (options.SelfCheck > 0)
{
    // Faces the graph cannot reach: searched with its own encoding, a face should come back as its own
    // identity's nearest, at distance 0. Those that do not are lost to every probe, however near.
    clock.Restart();
    var checkedRows = Math.Min(options.SelfCheck, total);
    var lost = Enumerable.Range(0, checkedRows).Where(r =>
    {
        var row = Row(r);
        var found = hnsw.Search(row.Embedding, 1);
        return found.Count == 0 || found[0].Identity != row.Identity;
    }).ToList();
    report.Note($"self-check of the first {checkedRows:N0} faces: {lost.Count} not found by their own encoding " +
                $"({string.Join(", ", lost.Take(10))}{(lost.Count > 10 ? ", ..." : "")}) in {clock.Elapsed.TotalSeconds:0.0} s");
}
Sweep(hnsw, truth, "after the build");
report.Write();

// Every ef of --ef-sweep (then the default again) over all probes: what recall more candidates buy, at what cost,
// with p50/p99 of the LFW probes and the synthetic ones apart (they are searched alike but do not cost alike).
void Sweep(HnswFaceIndex graph, IReadOnlyList<IdentityDistance?> truthOfProbes, string when)
{
    foreach (var ef in options.ExpansionSweep.Append(options.Hnsw.ExpansionSearch).Distinct())
    {
        graph.ChangeExpansionSearch(ef);
        var (timing, answers) = Measure.TimeSearches(graph, probes, 1);
        report.Note($"{when}: {graph.Count:N0} faces, ef_search {ef}: p50 {timing.P50:0.00} ms, p99 {timing.P99:0.00} ms ({timing.Count} probes; " +
                    Measure.ByKind(timing, lfwProbes.Count) + "), recall@1 LFW " +
                    $"{Measure.Recall(answers.Take(lfwProbes.Count).ToList(), truthOfProbes.Take(lfwProbes.Count).ToList()):0.0000}, synthetic " +
                    $"{Measure.Recall(answers.Skip(lfwProbes.Count).ToList(), truthOfProbes.Skip(lfwProbes.Count).ToList()):0.0000}; load average {Measure.Load()}");
    }
    graph.ChangeExpansionSearch(options.Hnsw.ExpansionSearch);
}

HnswFaceIndex? kept = hnsw;
if (options.SaveLoad)
{
    // Saved and loaded back, as a restart would.
    var folder = Path.Combine(options.Out, "saved-index");
    if (Directory.Exists(folder)) Directory.Delete(folder, recursive: true);
    var sample = probes.Take(options.SmallProbes).ToList();
    var answers = answers1.Take(sample.Count).ToList();
    clock.Restart();
    FaceIndexFile.Save(hnsw, folder, "bench");
    var saveSeconds = clock.Elapsed.TotalSeconds;
    var savedBytes = Directory.GetFiles(folder).Sum(f => new FileInfo(f).Length);
    hnsw.Dispose();
    kept = null;
    GC.Collect();
    clock.Restart();
    var (loaded, whyNot) = FaceIndexFile.TryLoad(folder, "bench", dimensions, options.Hnsw);
    var loadSeconds = clock.Elapsed.TotalSeconds;
    if (loaded is null) throw new InvalidOperationException($"the saved index did not load: {whyNot}");
    var (afterLoad, loadedAnswers) = Measure.TimeSearches(loaded, sample, 1);
    var sameAfterLoad = loadedAnswers.Where((a, i) => a == answers[i]).Count();
    report.Note($"saved in {saveSeconds:0.0} s ({savedBytes / 1e9:0.00} GB), loaded in {loadSeconds:0.0} s; " +
                $"{sameAfterLoad} of {answers.Count} answers the same after loading; search after loading p50 {afterLoad.P50:0.00} ms, p99 {afterLoad.P99:0.00} ms");
    Directory.Delete(folder, recursive: true);
    kept = (HnswFaceIndex)loaded;
    // What a replica that loaded its saved graph serves: every probe again, in a process that holds only this index.
    Sweep(kept, truth, "after loading");
    report.Write();
}
report.Write();
if (options.Replica)
    await ReplicaStart.RunAsync(options, report, kept!, total, Row, i => synthetic.Identity(total + i), dimensions, modelId);
else
    kept?.Dispose();

report.Note($"finished {DateTimeOffset.Now:u}; load average {Measure.Load()}; peak process memory {Process.GetCurrentProcess().PeakWorkingSet64 / 1e9:0.00} GB");
report.Write();
return 0;

internal static class Measure
{
    /// <summary>Each query searched once on this thread (after 20 warm-up searches): timing and the answers.</summary>
    public static (Timing Timing, List<IdentityDistance?> Answers) TimeSearches(IFaceIndex index, IReadOnlyList<float[]> queries, int identities)
    {
        for (var i = 0; i < Math.Min(20, queries.Count); i++) index.Search(queries[i], identities);
        var times = new double[queries.Count];
        var answers = new List<IdentityDistance?>(queries.Count);
        for (var i = 0; i < queries.Count; i++)
        {
            var started = Stopwatch.GetTimestamp();
            var found = index.Search(queries[i], identities);
            times[i] = Stopwatch.GetElapsedTime(started).TotalMilliseconds;
            answers.Add(found.Count > 0 ? found[0] : null);
        }
        return (Timing.Of(times), answers);
    }

    /// <summary>p50/p99 of the LFW probes (the first <paramref name="lfwProbes"/>) and of the synthetic ones.</summary>
    public static string ByKind(Timing timing, int lfwProbes)
    {
        var lfw = timing.Part(0, lfwProbes);
        var synthetic = timing.Part(lfwProbes, int.MaxValue);
        return $"LFW probes p50 {lfw.P50:0.00} / p99 {lfw.P99:0.00} ms, synthetic p50 {synthetic.P50:0.00} / p99 {synthetic.P99:0.00} ms";
    }

    public static double Recall(IReadOnlyList<IdentityDistance?> answers, IReadOnlyList<IdentityDistance?> truth)
    {
        var right = 0;
        for (var i = 0; i < answers.Count; i++)
            if (answers[i] == truth[i]) right++;
        return answers.Count == 0 ? double.NaN : (double)right / answers.Count;
    }

    public static double Recall(IFaceIndex index, IReadOnlyList<float[]> queries, IReadOnlyList<IdentityDistance?> truth) =>
        Recall(queries.Select(q => (IdentityDistance?)index.Search(q, 1).FirstOrDefault()).ToList(), truth);

    /// <summary>What the misses look like: how far the answer was from the truth, and how crowded the truth was.</summary>
    public static void Misses(Report report, IReadOnlyList<float[]> probes, IReadOnlyList<IdentityDistance?> answers,
        IReadOnlyList<IdentityDistance?> truth, ExactFaceIndex exact, int lfwProbes)
    {
        var missed = Enumerable.Range(0, probes.Count).Where(i => answers[i] != truth[i]).ToList();
        if (missed.Count == 0) return;
        var lines = missed.Take(8).Select(i =>
        {
            var top = exact.Search(probes[i], 2);
            var gap = top.Count > 1 ? top[1].Distance - top[0].Distance : float.NaN;
            return $"{(i < lfwProbes ? "lfw" : "synthetic")} probe {i}: true {truth[i]?.Identity} at {truth[i]?.Distance:0.0000} " +
                   $"(second {gap:+0.0000}), found {answers[i]?.Identity ?? "nobody"} at {answers[i]?.Distance:0.0000}";
        });
        report.Note($"{missed.Count} misses; the first: " + string.Join("; ", lines));
    }

    public static string Rss()
    {
        using var process = Process.GetCurrentProcess();
        return $"{process.WorkingSet64 / 1e9:0.00} GB";
    }

    public static string Load() => File.Exists("/proc/loadavg") ? string.Join(' ', File.ReadAllText("/proc/loadavg").Split(' ').Take(3)) : "?";
}

/// <summary>Search times of a run of probes: percentiles, and each probe's time in probe order (for subsets).</summary>
internal sealed record Timing(int Count, double P50, double P99)
{
    public IReadOnlyList<double> Times { get; init; } = [];

    public static Timing Of(IReadOnlyList<double> times)
    {
        if (times.Count == 0) return new Timing(0, double.NaN, double.NaN);
        var sorted = times.Order().ToArray();
        return new Timing(sorted.Length, sorted[sorted.Length / 2],
            sorted[Math.Min(sorted.Length - 1, (int)Math.Ceiling(sorted.Length * 0.99) - 1)]) { Times = times };
    }

    public Timing Part(int skip, int take) => Of(Times.Skip(skip).Take(take).ToList());
}

internal sealed class Options
{
    public int Identities { get; private set; } = 1_000_000;
    public string Synthetic { get; private set; } = "lfw";
    public int[] ExactSizes { get; private set; } = [20_000, 100_000];
    public int LfwProbes { get; private set; } = int.MaxValue;
    public bool SaveLoad { get; private set; } = true;
    public bool Replica { get; private set; }
    /// <summary>After the replica step: a new replica's start from the store's graph snapshot (SnapshotStart.cs).</summary>
    public bool Snapshot { get; private set; }
    public string? LoadIndex { get; private set; }
    public int SyntheticProbes { get; private set; } = 300;
    public int SmallProbes { get; private set; } = 300;
    public int ExactLargeProbes { get; private set; } = 10;
    public string Out { get; private set; } = Path.Combine("bench-out", "index");
    public string? Images { get; private set; }
    public string? Encodings { get; private set; }
    public HnswOptions Hnsw { get; private set; } = HnswOptions.Default;
    public int Step { get; private set; }
    public int[] ExpansionSweep { get; private set; } = [];
    public bool SearchAfterLoad { get; private set; } = true;
    public int SelfCheck { get; private set; }

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
                case "--lfw-probes": o.LfwProbes = Int(); break;
                case "--save-load": o.SaveLoad = value == "yes"; break;
                case "--replica": o.Replica = value == "yes"; break;
                case "--snapshot": o.Snapshot = value == "yes"; break;
                case "--load-index": o.LoadIndex = value; break;
                case "--search-after-load": o.SearchAfterLoad = value == "yes"; break;
                case "--self-check": o.SelfCheck = Int(); break;
                case "--scalar": o.Hnsw = o.Hnsw with { Scalar = value switch
                {
                    "f32" => HnswScalar.Float32, "f16" => HnswScalar.Float16, "i8" => HnswScalar.Int8,
                    _ => throw new ArgumentException($"--scalar {value}: f32, f16 or i8"),
                } }; break;
                case "--synthetic-probes": o.SyntheticProbes = Int(); break;
                case "--small-probes": o.SmallProbes = Int(); break;
                case "--out": o.Out = value; break;
                case "--images": o.Images = value; break;
                case "--encodings": o.Encodings = value; break;
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
                      $"(M {options.Hnsw.Connectivity}, ef_add {options.Hnsw.ExpansionAdd}, ef_search {options.Hnsw.ExpansionSearch}, candidates {options.Hnsw.MinCandidates}, graph scalar {options.Hnsw.Scalar}); synthetic: {options.Synthetic}");
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
