using Visage.Execution;
using Visage.Models.Onnx;

namespace Visage.Tests.Execution;

/// <summary>
/// Stand-ins for the back ends and the clock, so that what the tuner chooses depends only on the script:
/// every runner computes the same small function of its input (a network), optionally off by an error, and
/// every timing is the script's number for that plan.
/// </summary>
internal sealed class ScriptedBackends : INetworkRunnerFactory, ITuningClock
{
    private readonly Dictionary<ExecutionPlan, int> _calls = [];

    /// <summary>Milliseconds for the n-th timing of a plan (one at a time or batched, per run).</summary>
    public Func<ExecutionPlan, int, double> Times { get; init; } = (_, _) => 10;

    /// <summary>How far a plan's outputs are off the true ones (0: exact).</summary>
    public Func<ExecutionPlan, float> Error { get; init; } = _ => 0;

    /// <summary>Plans whose back end cannot load the network.</summary>
    public Func<ExecutionPlan, bool> Fails { get; init; } = _ => false;

    public int Timings { get; private set; }
    public int Created { get; private set; }

    public INetworkRunner Create(OnnxModel model, ExecutionPlan plan)
    {
        Created++;
        if (Fails(plan)) throw new InvalidOperationException($"cannot load {model.Name} with {plan.Describe()}");
        return new Runner(model, Error(plan with { BatchSize = 1 }));
    }

    public double Time(ExecutionPlan plan, Action run)
    {
        run();
        Timings++;
        var n = _calls.GetValueOrDefault(plan);
        _calls[plan] = n + 1;
        return Times(plan, n);
    }

    /// <summary>A tiny real ONNX network: a 2x4x4 input, a 3x3 convolution to 3 channels, ReLU, flattened.</summary>
    public static OnnxModel TinyModel(string name = "tiny", float weightScale = 0.1f)
    {
        var g = new OnnxGraphBuilder(name);
        var x = g.Input("x", 2, 4, 4);
        var weights = Enumerable.Range(0, 3 * 2 * 3 * 3).Select(i => weightScale * ((i % 7) - 3)).ToArray();
        var y = g.Relu(g.Conv(x, "conv", weights, [0.1f, -0.2f, 0.3f], 3, 2, 3, 3, padding: 1));
        g.Output(g.Name(g.Flatten(y), "y"), 48);
        return OnnxModel.FromBytes(name, g.Build());
    }

    /// <summary>The tiny network with a per-channel PReLU (slopes 0.1, -0.2, 0.25) in place of its ReLU.</summary>
    public static OnnxModel TinyPReluModel(string name = "tiny-prelu", float[]? slopes = null)
    {
        var proto = Onnx.ModelProto.Parser.ParseFrom(TinyModel(name).Bytes);
        var relu = proto.Graph.Node.Single(n => n.OpType == "Relu");
        relu.OpType = "PRelu";
        relu.Input.Add("slope");
        var slope = new Onnx.TensorProto { Name = "slope", DataType = (int)Onnx.TensorProto.Types.DataType.Float };
        slope.Dims.AddRange([3, 1, 1]);
        slope.FloatData.AddRange(slopes ?? [0.1f, -0.2f, 0.25f]);
        proto.Graph.Initializer.Add(slope);
        return OnnxModel.FromBytes(name, Google.Protobuf.MessageExtensions.ToByteArray(proto));
    }

    private sealed class Runner(OnnxModel model, float error) : INetworkRunner
    {
        public float[][] Run(float[] input, int count)
        {
            // Output: each item's running sum, as a stand-in for a network's answer.
            var size = model.ItemSize;
            var output = new float[count * 3];
            for (var i = 0; i < count; i++)
            {
                var sum = 0f;
                for (var k = 0; k < size; k++) sum += input[i * size + k];
                output[3 * i] = sum + error;
                output[3 * i + 1] = input[i * size];
                output[3 * i + 2] = -sum;
            }
            return [output];
        }

        public void Dispose()
        {
        }
    }
}
