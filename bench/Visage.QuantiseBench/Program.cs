// The int8 packs' calibration and per-network checks (see README, "int8 packs").
//
//   calibrate --lfw DIR [--count 200] [--networks fr_feature.onnx,face_recognition_model] [--out src/Visage/Models/Quantised/Ranges]
//       Runs the float packs' pipelines on the first COUNT distinct photos of LFW View 1 pairsDevTrain.txt
//       (never DevTest), records what each network is fed, and measures the activation ranges of the networks
//       the int8 packs quantise; writes one JSON file per network (rebuild the library to ship them).
//   networks --lfw DIR [--count 40] [--rounds 200] [--reduce-range] [--mean-extremes]
//       For each of those networks: its float and int8 forms timed on one thread at ONNX Runtime's full and
//       extended levels (thread CPU time, median), the int8 graph's operator counts after ONNX Runtime's
//       optimisation (whether it runs integer kernels), and how far the int8 outputs are from the float ones
//       on photos of DevTrain (cosine similarity for encodings).
using System.Diagnostics;
using System.Globalization;
using System.Numerics.Tensors;
using Microsoft.ML.OnnxRuntime;
using Onnx;
using OpenCvSharp;
using Visage;
using Visage.Execution;
using Visage.Models;
using Visage.Models.Quantised;
using Visage.Recognition;

var command = args.FirstOrDefault() ?? "";
string Option(string name, string fallback)
{
    var i = Array.IndexOf(args, name);
    return i >= 0 && i + 1 < args.Length ? args[i + 1] : fallback;
}
var lfw = Option("--lfw", "/work/shared/data/lfw");
var count = int.Parse(Option("--count", command == "calibrate" ? "200" : "40"), CultureInfo.InvariantCulture);
var settings = new QuantiserSettings(
    args.Contains("--mean-extremes") ? RangeChoice.MeanOfItemExtremes : RangeChoice.Extremes,
    args.Contains("--reduce-range"));
string[] packs = ["faceplugin", "faceplugin-mesh", "fusion"];

var photos = File.ReadLines(Path.Combine(lfw, "pairsDevTrain.txt")).Skip(1)
    .Select(l => l.Split(['\t', ' '], StringSplitOptions.RemoveEmptyEntries))
    .SelectMany(f => f.Length == 3
        ? new[] { (f[0], f[1]), (f[0], f[2]) }
        : f.Length == 4 ? new[] { (f[0], f[1]), (f[2], f[3]) } : [])
    .Select(p => Path.Combine(lfw, "images", p.Item1, $"{p.Item1}_{int.Parse(p.Item2, CultureInfo.InvariantCulture):D4}.jpg"))
    .Distinct().Take(count).ToList();

var recorder = new RecordingFactory(count);
var home = VisageHome.FromEnvironment();
var store = new ModelStore(home);
foreach (var id in packs)
{
    using var pipeline = await FacePipeline.LoadAsync(ModelCatalog.Get(id), store,
        new PipelineOptions(IntraOpThreads: 1, Tuning: ExecutionTuning.Off) { Runners = recorder });
    foreach (var photo in photos)
    {
        using var image = Cv2.ImRead(photo);
        pipeline.Analyze(image);
    }
}
Console.WriteLine($"{photos.Count} DevTrain photos through {string.Join(", ", packs)}");

switch (command)
{
    case "calibrate":
        var output = Option("--out", "src/Visage/Models/Quantised/Ranges");
        Directory.CreateDirectory(output);
        var wanted = Option("--networks", "fr_feature.onnx,face_recognition_model").Split(',');
        foreach (var (model, items) in recorder.Networks.Where(n => wanted.Contains(n.Model.Name)))
        {
            var prepared = GraphPreparation.Prepare(model.Bytes, model.Name);
            var ranges = RangeCalibrator.Measure(prepared, model.Name, model.InputName, model.ItemShape, items);
            var file = new CalibrationRanges(model.Name, model.Sha256,
                $"LFW View 1 pairsDevTrain.txt: what the float packs ({string.Join(", ", packs)}) fed this network for the first {photos.Count} distinct photos",
                items.Count,
                $"dotnet run --project bench/Visage.QuantiseBench -c Release -- calibrate --lfw LFW --count {count} --networks {model.Name}",
                ranges.ToDictionary(r => r.Key, r => Round(r.Value)));
            File.WriteAllText(Path.Combine(output, file.FileName), file.ToJson());
            Console.WriteLine($"{model.Name}: {items.Count} items, {ranges.Count} tensors -> {file.FileName}");
        }
        break;
    case "networks":
        var rounds = int.Parse(Option("--rounds", "100"), CultureInfo.InvariantCulture);
        Console.WriteLine($"CPU: {MachineProfile.Current.Describe()}; load {MachineLoad.OneMinuteAverage()?.ToString("0.00", CultureInfo.InvariantCulture) ?? "?"}; {settings.Describe()}");
        foreach (var (model, items) in recorder.Networks)
        {
            OnnxModel int8;
            try
            {
                int8 = OnnxModel.FromBytes(model.Name + "-int8", QuantisedNetworks.Quantise(model, settings));
            }
            catch (VisageException e)
            {
                Console.WriteLine($"{model.Name}: {e.Message}");
                continue;
            }
            try
            {
            Console.WriteLine($"== {model.Name}: {items.Count} items; int8 graph ops after ORT extended: {Ops(int8, GraphOptimizationLevel.ORT_ENABLE_EXTENDED)}");
            foreach (var level in new[] { GraphOptimization.All, GraphOptimization.Extended })
            {
                using var f = new OnnxRuntimeRunner(model, level, 1);
                using var q = new OnnxRuntimeRunner(int8, level, 1);
                var ff = Time(f, items, rounds);
                var qq = Time(q, items, rounds);
                Console.WriteLine($"   {level}: float {ff:0.000} ms, int8 {qq:0.000} ms (x{ff / qq:0.00}) thread CPU, median of {rounds}");
            }
            using (var f = new OnnxRuntimeRunner(model, GraphOptimization.Extended, 1))
            using (var q = new OnnxRuntimeRunner(int8, GraphOptimization.Extended, 1))
            {
                for (var o = 0; o < model.OutputNames.Count; o++)
                {
                    var cosines = new List<double>();
                    var worst = 0.0;
                    foreach (var item in items)
                    {
                        var a = f.Run(item, 1)[o];
                        var b = q.Run(item, 1)[o];
                        cosines.Add(TensorPrimitives.CosineSimilarity(a, b));
                        worst = Math.Max(worst, ExecutionTuner.Difference([b], [a]));
                    }
                    cosines.Sort();
                    Console.WriteLine($"   output {model.OutputNames[o]}: cosine to float min {cosines[0]:0.0000}, median {cosines[cosines.Count / 2]:0.0000}; largest difference / scale {worst:0.0000}");
                }
            }
            using (var reference = new OnnxRuntimeRunner(int8, GraphOptimization.None, 1))
            using (var fused = new OnnxRuntimeRunner(int8, GraphOptimization.All, 1))
            {
                var worst = items.Take(10).Max(i => ExecutionTuner.Difference(fused.Run(i, 1), reference.Run(i, 1)));
                Console.WriteLine($"   int8 at ORT all vs as written: largest difference / scale {worst:0.0000}");
            }
            }
            catch (OnnxRuntimeException e)
            {
                Console.WriteLine($"{model.Name}: ONNX Runtime: {e.Message.Split('\n')[0]}");
            }
        }
        break;
    default:
        Console.Error.WriteLine("usage: calibrate|networks --lfw DIR [--count N]");
        return 2;
}
return 0;

static TensorRange Round(TensorRange r) => new(R(r.Min), R(r.Max), R(r.MeanMin), R(r.MeanMax));
static float R(float v) => float.Parse(v.ToString("G6", CultureInfo.InvariantCulture), CultureInfo.InvariantCulture);

static double Time(INetworkRunner runner, IReadOnlyList<float[]> items, int rounds)
{
    for (var i = 0; i < 5; i++) runner.Run(items[i % items.Count], 1);
    var times = new List<double>();
    for (var r = 0; r < rounds; r++)
    {
        var start = ThreadCpuClock.NowMs() ?? 0;
        runner.Run(items[r % items.Count], 1);
        times.Add((ThreadCpuClock.NowMs() ?? 0) - start);
    }
    times.Sort();
    return times[times.Count / 2];
}

static string Ops(OnnxModel model, GraphOptimizationLevel level)
{
    var path = Path.Combine(Path.GetTempPath(), $"visage-ops-{Guid.NewGuid():N}.onnx");
    try
    {
        using (var options = new SessionOptions { GraphOptimizationLevel = level, OptimizedModelFilePath = path, IntraOpNumThreads = 1 })
        using (new InferenceSession(model.Bytes, options))
        {
        }
        var graph = ModelProto.Parser.ParseFrom(File.ReadAllBytes(path)).Graph;
        return string.Join(", ", graph.Node.GroupBy(n => n.OpType).OrderByDescending(g => g.Count()).Select(g => $"{g.Key} {g.Count()}"));
    }
    finally
    {
        File.Delete(path);
    }
}

/// <summary>Real runners that keep what each network is fed, item by item (the first <paramref name="cap"/> per network).</summary>
sealed class RecordingFactory(int cap) : INetworkRunnerFactory
{
    private readonly Dictionary<string, (OnnxModel Model, List<float[]> Items)> _networks = [];

    public IEnumerable<(OnnxModel Model, List<float[]> Items)> Networks => _networks.Values;

    public INetworkRunner Create(OnnxModel model, ExecutionPlan plan)
    {
        if (!_networks.ContainsKey(model.Sha256)) _networks[model.Sha256] = (model, []);
        return new Recording(NetworkRunnerFactory.Instance.Create(model, plan), model, _networks[model.Sha256].Items, cap);
    }

    private sealed class Recording(INetworkRunner inner, OnnxModel model, List<float[]> items, int cap) : INetworkRunner
    {
        public float[][] Run(float[] input, int count)
        {
            lock (items)
                for (var i = 0; i < count && items.Count < cap; i++)
                    items.Add(input.AsSpan(i * model.ItemSize, model.ItemSize).ToArray());
            return inner.Run(input, count);
        }

        public void Dispose() => inner.Dispose();
    }
}
