namespace Visage.Execution;

/// <summary>
/// An equivalent form of a network's graph that a back end may run faster; outputs stay equal within float
/// tolerance (the tuner checks them against the graph as written).
/// </summary>
internal enum GraphRewrite
{
    /// <summary>The graph as written.</summary>
    None,

    /// <summary>
    /// Each per-channel PReLU, y = s x + (1 - s) relu(x), as two 1x1 depthwise convolutions, a ReLU and a sum:
    /// operations ONNX Runtime keeps in its blocked (NCHWc) layout, where a PReLU makes it convert the tensor
    /// out of that layout and back at every layer.
    /// </summary>
    PReluAsDepthwise,

    /// <summary>
    /// Each concatenation of a tensor with zeros made by ConstantOfShape (BlazeFace's residual blocks pad their
    /// channels so) as one constant Pad of that axis: no zero tensor is made and filled at every run, and ONNX
    /// Runtime does not leave its blocked layout for the concatenation.
    /// </summary>
    ZeroConcatAsPad,
}
