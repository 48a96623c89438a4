namespace Visage.Execution;

/// <summary>ONNX Runtime's graph optimisation levels (ignored by OpenCV, which has its own fusions).</summary>
internal enum GraphOptimization
{
    None,
    Basic,
    Extended,
    All,
}
