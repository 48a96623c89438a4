using Onnx;

namespace Visage.Execution;

/// <summary>Rewrites of ONNX graphs into equivalent forms (see <see cref="GraphRewrite"/>).</summary>
internal static class OnnxRewrites
{
    /// <summary>Whether <paramref name="rewrite"/> changes anything in the graph.</summary>
    public static bool AppliesTo(ModelProto model, GraphRewrite rewrite) => rewrite switch
    {
        GraphRewrite.None => true,
        GraphRewrite.PReluAsDepthwise => PReluAsDepthwiseRewrite.AppliesTo(model),
        GraphRewrite.ZeroConcatAsPad => ZeroConcatAsPadRewrite.AppliesTo(model),
        GraphRewrite.ZeroConcatAsSplitConv => ZeroConcatAsSplitConvRewrite.AppliesTo(model),
        _ => false,
    };

    public static byte[] Apply(byte[] onnx, GraphRewrite rewrite) => rewrite switch
    {
        GraphRewrite.None => onnx,
        GraphRewrite.PReluAsDepthwise => PReluAsDepthwiseRewrite.Apply(onnx),
        GraphRewrite.ZeroConcatAsPad => ZeroConcatAsPadRewrite.Apply(onnx),
        GraphRewrite.ZeroConcatAsSplitConv => ZeroConcatAsSplitConvRewrite.Apply(onnx),
        _ => throw new ArgumentOutOfRangeException(nameof(rewrite), rewrite, "unknown rewrite"),
    };
}
