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

    /// <summary>
    /// BlazeFace's residual blocks whose shortcut is zero-padded in channels, relu(conv(x) + concat(r, zeros)),
    /// as two convolutions, concat(relu(conv_a(x) + r), relu(conv_b(x))), the weight rows split where r's
    /// channels end; channel counts are carried, with zero channels, up to multiples of 8 (weights padded with
    /// zeros to match). ONNX Runtime then keeps every block in its blocked (NCHWc) layout, adding the shortcut
    /// and the ReLU inside the convolution, where the zero concatenation (or a Pad) made it convert the tensors
    /// out of that layout and back at every block.
    /// </summary>
    ZeroConcatAsSplitConv,
}
