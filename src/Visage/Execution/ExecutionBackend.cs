namespace Visage.Execution;

/// <summary>The libraries that can run an ONNX network.</summary>
internal enum ExecutionBackend
{
    /// <summary>ONNX Runtime's CPU execution provider.</summary>
    OnnxRuntime,

    /// <summary>OpenCV's DNN module (OpenCvSharp's CvDnn), reading the same ONNX bytes.</summary>
    OpenCvDnn,
}
