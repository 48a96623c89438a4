namespace Visage.Models;

/// <summary>How a liveness network's output is read.</summary>
internal enum LivenessOutput
{
    /// <summary>Class scores: softmax over them, the live class's probability.</summary>
    Softmax,

    /// <summary>One probability already (a sigmoid in the graph): the live class's when it is the live index.</summary>
    Probability,
}

/// <summary>
/// A liveness network from a pinned package and how to feed it: the detector's box grown by
/// <see cref="CropScale"/> about its centre (a square of the larger side for square inputs; shrunk to fit
/// and shifted inside the image when it would leave it), resized to <see cref="InputSize"/>, channels in
/// <see cref="ColorOrder"/>, values (pixel - Mean) / Scale. <see cref="LiveIndex"/> is the output that means live.
/// </summary>
internal sealed record LivenessModel(
    string Id,
    string Description,
    string Licence,
    IReadOnlyList<ModelFile> Files,
    int InputSize,
    float CropScale,
    bool SquareCrop,
    ColorOrder ColorOrder,
    float Mean,
    float Scale,
    LivenessOutput Output,
    int LiveIndex,
    float Threshold,
    string? OutputName = null);
