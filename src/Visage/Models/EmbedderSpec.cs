namespace Visage.Models;

/// <summary>
/// How to feed an ONNX embedding network: the aligned crop of <see cref="InputSize"/> pixels, channels in
/// <see cref="ColorOrder"/>, each value mapped to (pixel - Mean) / Scale, channels first. With
/// <see cref="ChannelMeans"/> (in the network's channel order) each channel has its own mean instead.
/// The crop puts the five points where the 112x112 ArcFace template puts them, scaled to the input size
/// and drawn towards the centre by <see cref="TemplateScale"/> (below 1 leaves more of the head in the crop).
/// <see cref="Output"/> names the graph output that holds the encoding when the network has several.
/// </summary>
internal sealed record EmbedderSpec(
    int InputSize,
    ColorOrder ColorOrder,
    float Mean,
    float Scale,
    int EmbeddingSize,
    IReadOnlyList<float>? ChannelMeans = null,
    float TemplateScale = 1f,
    string? Output = null);
