using System.Collections.Concurrent;
using System.Runtime.InteropServices;
using OpenCvSharp;
using OpenCvSharp.Dnn;

namespace Visage.Execution;

/// <summary>
/// OpenCV's DNN module reading the same ONNX bytes. An OpenCV <c>Net</c> keeps state between setting its
/// input and reading its outputs, so each concurrent caller borrows a net of its own from a small pool.
/// OpenCV's thread count is a process-wide setting, left as it is here; the tuner measures both settings.
/// </summary>
internal sealed class OpenCvDnnRunner : INetworkRunner
{
    private readonly OnnxModel _model;
    private readonly ConcurrentBag<Net> _idle = [];
    private readonly List<Net> _all = [];
    private readonly Lock _gate = new();

    private readonly GraphRewrite _rewrite;

    public OpenCvDnnRunner(OnnxModel model, GraphRewrite rewrite = GraphRewrite.None)
    {
        _model = model;
        _rewrite = rewrite;
        _idle.Add(Create());
    }

    /// <summary>OpenCV's version, part of every plan's cache key.</summary>
    public static string LibraryVersion => Cv2.GetVersionString() ?? "unknown";

    public float[][] Run(float[] input, int count) => Run(input, count, _model.ItemShape);

    public float[][] Run(float[] input, int count, IReadOnlyList<int> itemShape)
    {
        if (!_idle.TryTake(out var net)) net = Create();
        try
        {
            int[] shape = [count, .. itemShape];
            using var blob = new Mat(shape, MatType.CV_32FC1);
            Marshal.Copy(input, 0, blob.Data, count * itemShape.Aggregate(1, (a, b) => a * b));
            net.SetInput(blob);
            var outputs = _model.OutputNames.Select(_ => new Mat()).ToArray();
            try
            {
                net.Forward(outputs, _model.OutputNames);
                return outputs.Select(ToArray).ToArray();
            }
            finally
            {
                foreach (var output in outputs) output.Dispose();
            }
        }
        finally
        {
            _idle.Add(net);
        }
    }

    private static float[] ToArray(Mat output)
    {
        if (output.Type() != MatType.CV_32FC1 || !output.IsContinuous())
            throw new InvalidOperationException($"OpenCV returned a {output.Type()} output, not continuous floats");
        var values = new float[output.Total()];
        Marshal.Copy(output.Data, values, 0, values.Length);
        return values;
    }

    private Net Create()
    {
        var net = CvDnn.ReadNetFromOnnx(_model.BytesFor(_rewrite))
                  ?? throw new InvalidOperationException($"OpenCV could not read {_model.Name}");
        net.SetPreferableBackend(Backend.OPENCV);
        net.SetPreferableTarget(Target.CPU);
        lock (_gate) _all.Add(net);
        return net;
    }

    public void Dispose()
    {
        lock (_gate)
        {
            foreach (var net in _all) net.Dispose();
            _all.Clear();
        }
    }
}
