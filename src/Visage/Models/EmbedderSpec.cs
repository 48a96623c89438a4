namespace Visage.Models;

/// <summary>
/// How to feed an ONNX embedding network: the aligned crop of <see cref="InputSize"/> pixels, channels in
/// <see cref="ColorOrder"/>, each value mapped to (pixel - Mean) / Scale, channels first.
/// </summary>
internal sealed record EmbedderSpec(
    int InputSize,
    ColorOrder ColorOrder,
    float Mean,
    float Scale,
    int EmbeddingSize);
