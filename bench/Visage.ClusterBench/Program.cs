using System.Diagnostics;
using System.Globalization;
using Visage;
using Visage.ClusterBench;
using Visage.Evaluation.Clustering;
using Visage.Models;
using Visage.Recognition;
using Visage.Recognition.Clustering;
using Visage.Storage;

// Clustering methods measured on the LFW people with at least two photos, alone and mixed into group photos:
// pairwise and BCubed precision and recall for each method and threshold, then incremental against batch.
// Usage: dotnet run -c Release --project bench/Visage.ClusterBench -- [LFW_IMAGES_FOLDER] [--pack PACK] [--out FILE.md]
//        [--cache ENCODINGS.db] (default: $VISAGE_HOME/encodings.db)
CultureInfo.DefaultThreadCurrentCulture = CultureInfo.InvariantCulture;
CultureInfo.CurrentCulture = CultureInfo.InvariantCulture;
var shared = Environment.GetEnvironmentVariable("VISAGE_SHARED") ?? Path.Combine("..", "shared");
var folder = Path.Combine(shared, "data", "lfw", "images");
var pack = ModelCatalog.Default;
string? output = null;
var home = VisageHome.FromEnvironment();
var cachePath = Path.Combine(home.Root, "encodings.db");
for (var i = 0; i < args.Length; i++)
{
    switch (args[i])
    {
        case "--pack": pack = ModelCatalog.Get(args[++i]); break;
        case "--out": output = args[++i]; break;
        case "--cache": cachePath = args[++i]; break;
        default: folder = args[i]; break;
    }
}
if (!Directory.Exists(folder))
{
    Console.Error.WriteLine($"cluster bench: {folder}: no such folder of LFW images (pass it as the first argument)");
    return 1;
}

var report = new StringWriter();
void Say(string line)
{
    Console.WriteLine(line);
    report.WriteLine(line);
}

using var pipeline = await FacePipeline.LoadAsync(pack, new ModelStore(home));
using var cache = EmbeddingCache.Open(cachePath);
var source = new FaceSource(pipeline, cache);
Console.Error.WriteLine($"cluster bench: encoding with {pipeline.Fingerprint}, cache {cachePath}");
var lfw = LfwPeople.Read(folder);
var work = Path.Combine(Path.GetTempPath(), $"visage-cluster-bench-{Environment.ProcessId}");
var clock = Stopwatch.StartNew();
LabelledFaces[] sets;
try
{
    sets = [Datasets.Portraits(lfw, source), Datasets.Mix(lfw, source, work)];
}
finally
{
    if (Directory.Exists(work)) Directory.Delete(work, recursive: true);
}
Say($"pack {pack.Id} (verification threshold {pack.DefaultThreshold:0.0000}), pipeline {pipeline.Fingerprint.Id}; {Environment.ProcessorCount} cores; " +
    $"encoding took {clock.Elapsed.TotalSeconds:0} s ({source.Analysed} photos analysed, the rest from the cache)");

float[] ratios = [0.6f, 0.7f, 0.75f, 0.8f, 0.85f, 0.9f, 0.95f, 1.0f, 1.1f];
(string Name, Func<float, ClusteringOptions> Options)[] variants =
[
    ("Chinese whispers", t => new ClusteringOptions(ClusteringMethod.ChineseWhispers, t)),
    ("Chinese whispers, weighted", t => new ClusteringOptions(ClusteringMethod.ChineseWhispers, t, Weighted: true)),
    ("DBSCAN, min 2", t => new ClusteringOptions(ClusteringMethod.Dbscan, t, MinNeighbours: 2)),
    ("DBSCAN, min 3", t => new ClusteringOptions(ClusteringMethod.Dbscan, t, MinNeighbours: 3)),
    ("average linkage", t => new ClusteringOptions(ClusteringMethod.AverageLinkage, t)),
];

foreach (var set in sets)
{
    var labelled = Enumerable.Range(0, set.Encodings.Count).Where(i => set.Person[i] >= 0).ToList();
    var truth = labelled.Select(i => set.Person[i]).Concat(set.Missed).ToList();
    Say("");
    Say($"### {set.Name}: {set.Description}");
    Say("");
    Say("| method | ratio | threshold | largest component | clusters | unassigned | pairwise P | pairwise R | pairwise F1 | BCubed P | BCubed R | BCubed F | ms |");
    Say("| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |");
    var best = new Dictionary<string, (double F1, float Ratio)>();
    foreach (var ratio in ratios)
    {
        var threshold = pack.DefaultThreshold * ratio;
        var graph = NeighbourGraph.Build(set.Encodings, threshold);
        var largest = graph.Components().Values.Max(c => c.Count);
        foreach (var (name, make) in variants)
        {
            var options = make(threshold);
            clock.Restart();
            var assignment = FaceClusterer.Cluster(graph, options);
            var ms = clock.Elapsed.TotalMilliseconds;
            var predicted = labelled.Select(i => assignment.Labels[i]).Concat(set.Missed.Select(_ => -1)).ToList();
            var pairwise = ClusteringMetrics.Pairwise(predicted, truth);
            var bcubed = ClusteringMetrics.BCubed(predicted, truth);
            var unassigned = (double)predicted.Count(p => p < 0) / predicted.Count;
            Say($"| {name} | {ratio:0.00} | {threshold:0.000} | {largest} | {assignment.Clusters.Count} | {unassigned:0.0%} | " +
                $"{pairwise.Precision:0.000} | {pairwise.Recall:0.000} | **{pairwise.F1:0.000}** | " +
                $"{bcubed.Precision:0.000} | {bcubed.Recall:0.000} | {bcubed.F1:0.000} | {ms:0} |");
            if (!best.TryGetValue(name, out var b) || pairwise.F1 > b.F1) best[name] = (pairwise.F1, ratio);
        }
    }
    Say("");
    Say($"true people: {truth.Distinct().Count()}; best pairwise F1 per method: " +
        string.Join("; ", best.Select(kv => $"{kv.Key} {kv.Value.F1:0.000} at {kv.Value.Ratio:0.00}")));

    // Incremental: the faces arrive one at a time in a seeded random order, the groups read after each one.
    Say("");
    Say("| method at its best ratio | faces | same groups as batch | ms per added face (mean) | faces regrouped per face (mean) |");
    Say("| --- | ---: | --- | ---: | ---: |");
    foreach (var (name, make) in variants)
    {
        var options = make(pack.DefaultThreshold * best[name].Ratio);
        var batch = FaceClusterer.Cluster(set.Encodings, options);
        var order = Enumerable.Range(0, set.Encodings.Count).ToArray();
        new Random(14).Shuffle(order);
        var incremental = new IncrementalClusterer(options);
        long regrouped = 0;
        clock.Restart();
        foreach (var face in order)
        {
            incremental.Add(set.Encodings[face]);
            _ = incremental.Assignment;
            regrouped += incremental.LastRegrouped;
        }
        var ms = clock.Elapsed.TotalMilliseconds;
        var same = Partition(batch, i => i).SetEquals(Partition(incremental.Assignment, i => order[i]));
        Say($"| {name} at {best[name].Ratio:0.00} | {order.Length} | {(same ? "yes" : "NO")} | {ms / order.Length:0.00} | {(double)regrouped / order.Length:0.0} |");
    }
}

if (output is not null) File.WriteAllText(output, report.ToString());
return 0;

// Each cluster as the sorted list of original face numbers, joined into one string: comparable across orders.
static HashSet<string> Partition(ClusterAssignment assignment, Func<int, int> original) =>
    assignment.Clusters.Select(c => string.Join(',', c.Select(original).Order())).ToHashSet();
