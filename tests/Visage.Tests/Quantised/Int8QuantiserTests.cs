using System.Numerics.Tensors;
using Google.Protobuf;
using Microsoft.ML.OnnxRuntime;
using Onnx;
using Visage.Execution;
using Visage.Imaging;
using Visage.Models;
using Visage.Models.Onnx;
using Visage.Models.Quantised;
using Visage.Recognition;
using Visage.Tests.Execution;
using Visage.Tests.TestData;
using Xunit.Abstractions;

namespace Visage.Tests.Quantised;

/// <summary>
/// The int8 quantiser: a small network quantised from measured ranges runs ONNX Runtime's integer kernels and
/// stays near its float answers; the int8 packs' encodings stay near their float packs' on LFW faces; what the
/// quantiser cannot handle is refused with a message that names the network and the reason.
/// </summary>
public sealed class Int8QuantiserTests(ITestOutputHelper output)
{

    [Fact]
    public void A_small_network_quantised_from_measured_ranges_runs_integer_kernels_and_stays_close()
    {
        var model = ScriptedBackends.TinyModel();
        var items = RandomItems(model, 32, seed: 7);
        var prepared = GraphPreparation.Prepare(model.Bytes, model.Name);
        var ranges = RangeCalibrator.Measure(prepared, model.Name, model.InputName, model.ItemShape, items);
        // 7-bit weights, as the packs use: with 8 bits, ONNX Runtime's u8s8 kernels saturate on AVX2 CPUs without
        // VNNI (this machine's: 0.16 of the output's scale off), which is not what this test is about.
        var int8 = OnnxModel.FromBytes("tiny-int8",
            Int8Quantiser.Quantise(prepared, ranges, model.Name, new QuantiserSettings(ReduceRange: true)));

        Assert.Contains("QLinearConv", OptimisedOps(int8));
        using var reference = new OnnxRuntimeRunner(model, GraphOptimization.None, 1);
        using var quantised = new OnnxRuntimeRunner(int8, GraphOptimization.All, 1);
        var worst = 0.0;
        // The calibration items themselves: inputs beyond the measured ranges are clipped, by design.
        foreach (var item in items.Take(8))
            worst = Math.Max(worst, ExecutionTuner.Difference(quantised.Run(item, 1), reference.Run(item, 1)));
        output.WriteLine($"largest difference relative to the output's scale: {worst:g3}");
        Assert.InRange(worst, 0, 0.03);
    }

    /// <summary>
    /// Each int8 pack, its float pack, and the lowest cosine similarity allowed between their encodings of the
    /// photos below: measured at least 0.9992 (mean 0.9994) on an AMD EPYC (family 25 model 1, AVX2), 2026-12-01;
    /// the bound leaves a margin for other CPUs' integer kernels. (faceplugin's encoder, quantised, measured 0.9819:
    /// it is not offered, see README.)
    /// </summary>
    public static TheoryData<string, string, double> Int8Packs() => new()
    {
        { "fusion", "fusion-int8", 0.995 },
    };

    [Theory]
    [MemberData(nameof(Int8Packs))]
    public async Task An_int8_packs_encodings_stay_close_to_its_float_packs(string floatPack, string int8Pack, double bound)
    {
        var store = new ModelStore(VisageHome.FromEnvironment());
        var options = new PipelineOptions(IntraOpThreads: 1, Tuning: ExecutionTuning.Off);
        using var exact = await FacePipeline.LoadAsync(ModelCatalog.Get(floatPack), store, options);
        using var quantised = await FacePipeline.LoadAsync(ModelCatalog.Get(int8Pack), store, options);
        Assert.NotEqual(exact.Fingerprint.Id, quantised.Fingerprint.Id);

        var cosines = new List<double>();
        foreach (var person in Lfw.PeopleWithTwoPhotos(6))
        {
            using var image = ImageReader.Read(Lfw.PhotosOf(person)[0]);
            var a = exact.Analyze(image.Pixels);
            var b = quantised.Analyze(image.Pixels);
            Assert.NotEmpty(a);
            Assert.NotEmpty(b);
            // The most confident face of each: int8 detection may move a box a little, not lose the face.
            var fa = a.MaxBy(f => f.Score)!;
            var fb = b.MaxBy(f => f.Score)!;
            cosines.Add(TensorPrimitives.CosineSimilarity(fa.Embedding, fb.Embedding));
        }
        output.WriteLine($"{int8Pack} vs {floatPack}: cosine similarity min {cosines.Min():0.0000}, mean {cosines.Average():0.0000}");
        Assert.InRange(cosines.Min(), bound, 1.0001);
    }

    [Fact]
    public void Bytes_that_are_not_a_model_are_refused()
    {
        var e = Assert.Throws<QuantisationException>(() =>
            Int8Quantiser.Quantise([1, 2, 3, 4, 5], new Dictionary<string, TensorRange>(), "junk.onnx"));
        Assert.StartsWith("junk.onnx: not an ONNX model", e.Message);
    }

    [Fact]
    public void A_network_without_convolutions_or_matrix_products_is_refused()
    {
        var g = new OnnxGraphBuilder("relu-only");
        var x = g.Input("x", 4);
        g.Output(g.Name(g.Relu(x), "y"), 4);
        var e = Assert.Throws<QuantisationException>(() =>
            Int8Quantiser.Quantise(g.Build(), new Dictionary<string, TensorRange>(), "relu-only"));
        Assert.Equal("relu-only: nothing to quantise: no Conv, Gemm or MatMul with constant float weights", e.Message);
    }

    [Fact]
    public void Ranges_that_miss_a_tensor_are_refused()
    {
        var model = ScriptedBackends.TinyModel();
        var prepared = GraphPreparation.Prepare(model.Bytes, model.Name);
        var e = Assert.Throws<QuantisationException>(() =>
            Int8Quantiser.Quantise(prepared, new Dictionary<string, TensorRange>(), model.Name));
        Assert.Matches("^tiny: the calibration ranges have no entry for tensor '.+': they were measured on another network$", e.Message);
    }

    [Fact]
    public void A_quantised_network_is_not_quantised_again()
    {
        var model = ScriptedBackends.TinyModel();
        var prepared = GraphPreparation.Prepare(model.Bytes, model.Name);
        var ranges = RangeCalibrator.Measure(prepared, model.Name, model.InputName, model.ItemShape, RandomItems(model, 4, 1));
        var once = Int8Quantiser.Quantise(prepared, ranges, model.Name);
        var e = Assert.Throws<QuantisationException>(() => Int8Quantiser.Quantise(once, ranges, "tiny-int8"));
        Assert.Equal("tiny-int8: the network is already quantised", e.Message);
    }

    [Fact]
    public void A_network_without_shipped_ranges_or_with_another_networks_ranges_is_refused()
    {
        var model = ScriptedBackends.TinyModel();
        var e = Assert.Throws<QuantisationException>(() => QuantisedNetworks.Quantise(model, QuantiserSettings.Default));
        Assert.StartsWith($"tiny: no calibration ranges ship for this network (SHA-256 {model.Sha256[..16]}", e.Message);

        var other = ScriptedBackends.TinyModel("tiny", weightScale: 0.2f);
        var theirs = new CalibrationRanges("tiny", other.Sha256, "test", 0, "test", new Dictionary<string, TensorRange>());
        e = Assert.Throws<QuantisationException>(() => QuantisedNetworks.Quantise(model, QuantiserSettings.Default, theirs));
        Assert.StartsWith("tiny: the calibration ranges were measured on another network", e.Message);
    }

    [Fact]
    public void An_int8_network_is_made_once_and_then_read_from_the_cache()
    {
        using var temp = new TempFolder();
        var home = new VisageHome(temp.Path);
        var model = ScriptedBackends.TinyModel();
        var prepared = GraphPreparation.Prepare(model.Bytes, model.Name);
        var measured = RangeCalibrator.Measure(prepared, model.Name, model.InputName, model.ItemShape, RandomItems(model, 4, 1));
        var ranges = new CalibrationRanges("tiny", model.Sha256, "test", 4, "test", measured);

        var first = QuantisedNetworks.Load(model, home, ranges: ranges);
        var cached = Directory.GetFiles(Path.Combine(temp.Path, "quantised"), "*.onnx");
        Assert.Single(cached);
        var second = QuantisedNetworks.Load(model, home, ranges: ranges);
        Assert.Equal(first.Sha256, second.Sha256);
        Assert.Single(Directory.GetFiles(Path.Combine(temp.Path, "quantised")));
        var reduced = QuantisedNetworks.Load(model, home, new QuantiserSettings(ReduceRange: true), ranges);
        Assert.NotEqual(first.Sha256, reduced.Sha256);
        Assert.Equal(2, Directory.GetFiles(Path.Combine(temp.Path, "quantised"), "*.onnx").Length);
    }

    private static List<float[]> RandomItems(OnnxModel model, int count, int seed)
    {
        var random = new Random(seed);
        return Enumerable.Range(0, count)
            .Select(_ => Enumerable.Range(0, model.ItemSize).Select(_ => random.NextSingle() * 2 - 1).ToArray())
            .ToList();
    }

    private static List<string> OptimisedOps(OnnxModel model)
    {
        using var temp = new TempFolder();
        var path = temp.File("optimised.onnx");
        using (var options = new SessionOptions { GraphOptimizationLevel = GraphOptimizationLevel.ORT_ENABLE_EXTENDED, OptimizedModelFilePath = path })
        using (new InferenceSession(model.Bytes, options))
        {
        }
        return ModelProto.Parser.ParseFrom(File.ReadAllBytes(path)).Graph.Node.Select(n => n.OpType).ToList();
    }
}
