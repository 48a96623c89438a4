namespace Visage.Models;

/// <summary>
/// One embedder of a pack. <see cref="Network"/> says how to feed an ONNX five-point network (null for
/// kinds that know their own input). With <see cref="FlipAverage"/> each face is also encoded mirrored and
/// the two averaged. In a pack of several embedders, <see cref="Weight"/> is its share of the fused squared
/// distance. With <see cref="Int8"/> the network runs quantised so (made from the float one, see Models/Quantised).
/// </summary>
internal sealed record PackEmbedder(
    EmbedderKind Kind,
    IReadOnlyList<ModelFile> Files,
    int Dimensions,
    EmbedderSpec? Network = null,
    bool FlipAverage = false,
    float Weight = 1f,
    Quantised.QuantiserSettings? Int8 = null);
