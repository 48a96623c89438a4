namespace Visage.Models;

/// <summary>How an embedder crops and feeds faces; each kind is one embedder class.</summary>
internal enum EmbedderKind
{
    /// <summary>An ONNX network on faces aligned to the 112x112 five-point template.</summary>
    FivePoint,

    /// <summary>face-api's port of dlib's ResNet, rebuilt from TensorFlow.js weights, on dlib face chips.</summary>
    DlibChip,
}
