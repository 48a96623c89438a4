using Microsoft.ML.OnnxRuntime;

namespace Visage.Execution;

/// <summary>An ONNX Runtime session (CPU) at a graph optimisation level and a number of intra-op threads.</summary>
internal sealed class OnnxRuntimeRunner : INetworkRunner
{
    private readonly OnnxModel _model;
    private readonly InferenceSession _session;
    private readonly RunOptions _run = new();
    private readonly string[] _inputNames;
    private readonly string[] _outputNames;

    public OnnxRuntimeRunner(OnnxModel model, GraphOptimization optimization, int threads,
        GraphRewrite rewrite = GraphRewrite.None)
    {
        _model = model;
        using var options = new SessionOptions
        {
            GraphOptimizationLevel = optimization switch
            {
                GraphOptimization.None => GraphOptimizationLevel.ORT_DISABLE_ALL,
                GraphOptimization.Basic => GraphOptimizationLevel.ORT_ENABLE_BASIC,
                GraphOptimization.Extended => GraphOptimizationLevel.ORT_ENABLE_EXTENDED,
                _ => GraphOptimizationLevel.ORT_ENABLE_ALL,
            },
            InterOpNumThreads = 1,
            IntraOpNumThreads = threads,
            ExecutionMode = ExecutionMode.ORT_SEQUENTIAL,
            // Errors only: converted graphs (BlazeFace's export) carry unused initialisers that ONNX Runtime
            // warns about on every session, which would flood a command's standard error.
            LogSeverityLevel = OrtLoggingLevel.ORT_LOGGING_LEVEL_ERROR,
        };
        _session = new InferenceSession(model.BytesFor(rewrite), options);
        _inputNames = [model.InputName];
        _outputNames = [.. model.OutputNames];
    }

    /// <summary>ONNX Runtime's version, part of every plan's cache key.</summary>
    public static string LibraryVersion => OrtEnv.Instance().GetVersionString();

    public float[][] Run(float[] input, int count) => Run(input, count, _model.ItemShape);

    public float[][] Run(float[] input, int count, IReadOnlyList<int> itemShape)
    {
        long[] shape = [count, .. itemShape.Select(d => (long)d)];
        var itemSize = itemShape.Aggregate(1, (a, b) => a * b);
        using var value = OrtValue.CreateTensorValueFromMemory(OrtMemoryInfo.DefaultInstance,
            input.AsMemory(0, count * itemSize), shape);
        using var results = _session.Run(_run, _inputNames, [value], _outputNames);
        var outputs = new float[results.Count][];
        for (var i = 0; i < outputs.Length; i++)
            outputs[i] = results[i].GetTensorDataAsSpan<float>().ToArray();
        return outputs;
    }

    public void Dispose()
    {
        _session.Dispose();
        _run.Dispose();
    }
}
