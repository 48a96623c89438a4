using Visage.Models.Tfjs;
using Visage.Tests.TestData;
using static Visage.Tests.Tfjs.TfjsModelWriter;
using Tensor = Visage.Tests.Tfjs.TfjsReference.Tensor;

namespace Visage.Tests.Tfjs;

/// <summary>
/// Each op of the TensorFlow.js converter on a small graph: the ONNX graph run by ONNX Runtime must give what
/// the plain reference gives (TensorFlow's semantics, channels last), and where an op has a trap (TensorFlow's
/// uneven SAME padding, channel orders, the PReLU sign) the values are also checked by hand.
/// </summary>
public sealed class TfjsConverterOpTests : IDisposable
{
    private const double Tolerance = 1e-4;
    private readonly TempFolder _folder = new();

    public void Dispose() => _folder.Dispose();

    private static Dictionary<string, object> A(params (string Name, object Value)[] attributes) =>
        attributes.ToDictionary(a => a.Name, a => a.Value);

    private static float[] Seq(int count, float scale = 0.1f, float offset = 0) =>
        Enumerable.Range(0, count).Select(i => offset + scale * ((i * 7919 % 23) - 11)).ToArray();

    /// <summary>Converts, runs both ways, asserts they agree; returns the graph's output.</summary>
    private Tensor Check(TfjsModelWriter writer, string output, Tensor input, WeightStorage storage = WeightStorage.Float32)
    {
        var path = writer.Write(_folder.Path, $"{Guid.NewGuid():N}.json", storage, [output]);
        var model = TfjsGraphModel.Load(path);
        var onnx = TfjsGraphConverter.Convert(model);
        var feeds = new Dictionary<string, Tensor> { ["x"] = input };
        var actual = ConvertedGraph.Run(onnx, feeds)[output];
        var expected = new TfjsReference(model).Run(feeds, [output])[output];
        ConvertedGraph.AssertClose(expected, actual, Tolerance, output);
        return actual;
    }

    private static Tensor Ones(params int[] shape) =>
        new(shape, Enumerable.Repeat(1f, shape.Aggregate(1, (p, d) => p * d)).ToArray());

    [Fact]
    public void Same_padding_puts_the_odd_row_and_column_at_the_end_as_TensorFlow_does()
    {
        var w = new TfjsModelWriter();
        w.Input("x", -1, 4, 4, 1);
        w.Const("k", Enumerable.Repeat(1f, 9).ToArray(), 3, 3, 1, 1);
        w.Op("Conv2D", "y", ["x", "k"], A(("padding", Text("SAME")), ("strides", IntList(1, 2, 2, 1))));

        var y = Check(w, "y", Ones(1, 4, 4, 1));

        // Padding 0 before and 1 after: the first window sees 3x3 ones, the last 2x2.
        Assert.Equal([1, 2, 2, 1], y.Shape);
        Assert.Equal([9f, 6f, 6f, 4f], y.Values);
    }

    [Theory]
    [InlineData("SAME", 1, 1)]
    [InlineData("VALID", 2, 1)]
    [InlineData("SAME", 1, 2)]
    public void Fused_convolutions_add_their_bias_and_activation(string padding, int stride, int dilation)
    {
        foreach (var activation in new[] { "Relu", "Relu6", "Elu", "Sigmoid" })
        {
            var w = new TfjsModelWriter();
            w.Input("x", -1, 9, 7, 3);
            w.Const("k", Seq(3 * 3 * 3 * 4), 3, 3, 3, 4);
            w.Const("b", Seq(4, 0.3f), 4);
            w.Op("_FusedConv2D", "y", ["x", "k", "b"], A(
                ("padding", Text(padding)), ("strides", IntList(1, stride, stride, 1)),
                ("dilations", IntList(1, dilation, dilation, 1)), ("fused_ops", Texts("BiasAdd", activation)),
                ("num_args", Int(1))));
            Check(w, "y", ConvertedGraph.Random(1, -2, 2, 2, 9, 7, 3));
        }
    }

    [Fact]
    public void Explicit_padding_is_taken_per_side()
    {
        var w = new TfjsModelWriter();
        w.Input("x", -1, 5, 5, 2);
        w.Const("k", Seq(2 * 2 * 2 * 3), 2, 2, 2, 3);
        w.Op("Conv2D", "y", ["x", "k"], A(("padding", Text("EXPLICIT")),
            ("explicit_paddings", IntList(0, 0, 1, 0, 0, 2, 0, 0)), ("strides", IntList(1, 1, 1, 1))));

        var y = Check(w, "y", ConvertedGraph.Random(2, -1, 1, 1, 5, 5, 2));

        Assert.Equal([1, 5, 6, 3], y.Shape);
    }

    [Fact]
    public void A_prelu_fused_into_a_convolution_scales_negatives_by_alpha()
    {
        var w = new TfjsModelWriter();
        w.Input("x", -1, 1, 1, 1);
        w.Const("k", [1f, 1f], 1, 1, 1, 2);
        w.Const("b", [0f, 0f], 2);
        // tfjs-converter stores alpha itself under the name of Keras's negated constant.
        w.Const("p_re_lu/Neg", [0.25f, -0.5f], 1, 1, 2);
        w.Op("_FusedConv2D", "y", ["x", "k", "b", "p_re_lu/Neg"], A(("padding", Text("VALID")),
            ("strides", IntList(1, 1, 1, 1)), ("fused_ops", Texts("BiasAdd", "Prelu")), ("num_args", Int(2))));

        var negative = Check(w, "y", new Tensor([1, 1, 1, 1], [-4f]));
        var positive = Check(w, "y", new Tensor([1, 1, 1, 1], [3f]));

        Assert.Equal([-1f, 2f], negative.Values);
        Assert.Equal([3f, 3f], positive.Values);
    }

    [Fact]
    public void Depthwise_output_channels_run_channel_by_multiplier()
    {
        var w = new TfjsModelWriter();
        w.Input("x", -1, 1, 1, 2);
        // [kh=1, kw=1, in=2, multiplier=2]: channel c, copy m is multiplied by 10 c + m + 1.
        w.Const("k", [1f, 2f, 11f, 12f], 1, 1, 2, 2);
        w.Op("DepthwiseConv2dNative", "y", ["x", "k"], A(("padding", Text("SAME")), ("strides", IntList(1, 1, 1, 1))));

        var y = Check(w, "y", new Tensor([1, 1, 1, 2], [1f, 2f]));

        Assert.Equal([1f, 2f, 22f, 24f], y.Values);
    }

    [Theory]
    [InlineData("SAME", 2, 1)]
    [InlineData("VALID", 1, 2)]
    public void Fused_depthwise_convolutions_match(string padding, int stride, int multiplier)
    {
        var w = new TfjsModelWriter();
        w.Input("x", -1, 8, 8, 3);
        w.Const("k", Seq(3 * 3 * 3 * multiplier), 3, 3, 3, multiplier);
        w.Const("b", Seq(3 * multiplier, 0.2f), 3 * multiplier);
        w.Op("FusedDepthwiseConv2dNative", "y", ["x", "k", "b"], A(("padding", Text(padding)),
            ("strides", IntList(1, stride, stride, 1)), ("fused_ops", Texts("BiasAdd", "Relu")), ("num_args", Int(1))));
        Check(w, "y", ConvertedGraph.Random(3, -1, 1, 2, 8, 8, 3));
    }

    [Theory]
    [InlineData(WeightStorage.Float16)]
    [InlineData(WeightStorage.Uint8)]
    public void Quantised_weights_are_dequantised_before_conversion(WeightStorage storage)
    {
        var w = new TfjsModelWriter();
        w.Input("x", -1, 6, 6, 2);
        w.Const("k", Seq(3 * 3 * 2 * 2), 3, 3, 2, 2);
        w.Op("Conv2D", "y", ["x", "k"], A(("padding", Text("SAME")), ("strides", IntList(1, 1, 1, 1))));
        Check(w, "y", ConvertedGraph.Random(4, -1, 1, 1, 6, 6, 2), storage);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Matrix_products_with_bias_and_activation(bool transposeB)
    {
        var w = new TfjsModelWriter();
        w.Input("x", -1, 5);
        w.Const("m", Seq(15), transposeB ? [3, 5] : [5, 3]);
        w.Const("b", [0.1f, -0.2f, 0.3f], 3);
        w.Op("_FusedMatMul", "y", ["x", "m", "b"], A(("transpose_a", Flag(false)), ("transpose_b", Flag(transposeB)),
            ("fused_ops", Texts("BiasAdd", "Relu")), ("num_args", Int(1))));
        Check(w, "y", ConvertedGraph.Random(5, -2, 2, 3, 5));
    }

    [Fact]
    public void A_per_channel_constant_broadcasts_over_an_image()
    {
        var w = new TfjsModelWriter();
        w.Input("x", -1, 3, 4, 2);
        w.Const("c", [10f, 20f], 2);
        w.Const("s", [2f], 1, 1, 1, 1);
        w.Op("Sub", "d", ["c", "x"]);
        w.Op("Mul", "y", ["d", "s"]);

        var y = Check(w, "y", ConvertedGraph.Random(6, -1, 1, 1, 3, 4, 2));

        Assert.Equal([1, 3, 4, 2], y.Shape);
    }

    [Fact]
    public void PReLU_written_as_abs_sub_mul_add_matches()
    {
        // MobileFaceNet's form: relu(x) + alpha * (x - |x|) * 0.5.
        var w = new TfjsModelWriter();
        w.Input("x", -1, 4, 4, 3);
        w.Const("alpha_half", [0.1f, 0.2f, 0.3f], 3);
        w.Op("Relu", "r", ["x"]);
        w.Op("Abs", "a", ["x"]);
        w.Op("Sub", "s", ["x", "a"]);
        w.Op("Mul", "m", ["s", "alpha_half"]);
        w.Op("Add", "y", ["r", "m"]);
        Check(w, "y", ConvertedGraph.Random(7, -3, 3, 2, 4, 4, 3));
    }

    /// <summary>
    /// MobileFaceNet as TensorFlow.js's converter wrote it: the PReLU's Relu folded into the depthwise
    /// convolution, whose relu'd output Abs, Sub and Add then read (x - |x| = 0 makes that a plain ReLU). The
    /// graph must compute the PReLU it was trained with, checked by hand: negative values scaled by 2 * alpha_half.
    /// </summary>
    [Theory]
    [InlineData("FusedDepthwiseConv2dNative", false)]
    [InlineData("_FusedConv2D", true)]
    public void A_PReLU_whose_relu_was_fused_into_the_convolution_gets_its_negative_slope_back(string op, bool addFirst)
    {
        var w = new TfjsModelWriter();
        w.Input("x", -1, 3, 3, 2);
        // A 1x1 filter that passes each channel through (depthwise: [1,1,2,1]; full: [1,1,2,2] identity).
        w.Const("k", op == "_FusedConv2D" ? [1f, 0f, 0f, 1f] : [1f, 1f], 1, 1, 2, op == "_FusedConv2D" ? 2 : 1);
        w.Const("b", [0.5f, -0.25f], 2);
        w.Const("alpha_half", [0.1f, -0.3f], 2);
        w.Op(op, "conv", ["x", "k", "b"], A(("padding", Text("SAME")), ("strides", IntList(1, 1, 1, 1)),
            ("fused_ops", Texts("BiasAdd", "Relu")), ("num_args", Int(1))));
        w.Op("Abs", "abs", ["conv"]);
        w.Op("Sub", "sub", ["conv", "abs"]);
        w.Op("Mul", "mul", ["sub", "alpha_half"]);
        w.Op("Add", "y", addFirst ? ["mul", "conv"] : ["conv", "mul"]);
        var x = ConvertedGraph.Random(11, -3, 3, 2, 3, 3, 2);

        var y = Check(w, "y", x);

        Assert.Equal(["conv"], TfjsGraphModel.Load(Directory.GetFiles(_folder.Path, "*.json").Single()).RepairedPrelus);
        float[] bias = [0.5f, -0.25f], alphaHalf = [0.1f, -0.3f];
        for (var i = 0; i < x.Count; i++)
        {
            var v = x.Values[i] + bias[i % 2];
            var expected = v >= 0 ? v : 2 * alphaHalf[i % 2] * v;
            Assert.Equal(expected, y.Values[i], 4);
        }
        Assert.Contains(x.Values.Select((v, i) => v + bias[i % 2]), v => v < -0.5f);
    }

    [Fact]
    public void A_fused_relu_read_by_anything_but_a_PReLU_pattern_stays_fused()
    {
        var w = new TfjsModelWriter();
        w.Input("x", -1, 3, 3, 2);
        w.Const("k", [1f, 1f], 1, 1, 2, 1);
        w.Const("b", [0.5f, -0.25f], 2);
        w.Op("FusedDepthwiseConv2dNative", "conv", ["x", "k", "b"], A(("padding", Text("SAME")),
            ("strides", IntList(1, 1, 1, 1)), ("fused_ops", Texts("BiasAdd", "Relu")), ("num_args", Int(1))));
        w.Op("Abs", "abs", ["conv"]);
        w.Op("Add", "y", ["conv", "abs"]);
        var x = ConvertedGraph.Random(12, -3, 3, 1, 3, 3, 2);

        var y = Check(w, "y", x);

        Assert.Empty(TfjsGraphModel.Load(Directory.GetFiles(_folder.Path, "*.json").Single()).RepairedPrelus);
        Assert.All(y.Values, v => Assert.True(v >= 0));
    }

    [Fact]
    public void An_L2_norm_of_squares_sum_maximum_and_rsqrt_gives_unit_rows()
    {
        var w = new TfjsModelWriter();
        w.Input("x", -1, 6);
        w.Op("Square", "sq", ["x"]);
        w.Ints("axis", [1], 1);
        w.Op("Sum", "sum", ["sq", "axis"], A(("keep_dims", Flag(true))));
        w.Const("eps", [1e-10f]);
        w.Op("Maximum", "max", ["sum", "eps"]);
        w.Op("Rsqrt", "inv", ["max"]);
        w.Op("Mul", "y", ["x", "inv"]);

        var y = Check(w, "y", ConvertedGraph.Random(8, -2, 2, 3, 6));

        for (var r = 0; r < 3; r++)
            Assert.Equal(1.0, Math.Sqrt(y.Values.Skip(6 * r).Take(6).Sum(v => (double)v * v)), 5);
    }

    [Theory]
    [InlineData("Mean", new[] { 1, 2 }, false)]
    [InlineData("Mean", new[] { 1 }, false)]
    [InlineData("Sum", new[] { 3 }, false)]
    [InlineData("Max", new[] { 2 }, true)]
    [InlineData("Min", new[] { -1 }, true)]
    public void Reductions_keep_TensorFlow_axis_order(string op, int[] axes, bool keepDims)
    {
        var w = new TfjsModelWriter();
        w.Input("x", -1, 3, 4, 5);
        w.Ints("axes", axes, axes.Length);
        w.Op(op, "y", ["x", "axes"], A(("keep_dims", Flag(keepDims))));
        Check(w, "y", ConvertedGraph.Random(9, -1, 1, 2, 3, 4, 5));
    }

    [Theory]
    [InlineData(new[] { 0, 0, 1, 2, 0, 1, 0, 0 })]
    [InlineData(new[] { 0, 0, 0, 0, 0, 0, 0, 4 })]
    public void Padding_of_space_or_channels(int[] paddings)
    {
        var w = new TfjsModelWriter();
        w.Input("x", -1, 3, 3, 2);
        w.Ints("p", paddings, 4, 2);
        w.Op("Pad", "y", ["x", "p"]);
        Check(w, "y", ConvertedGraph.Random(10, -1, 1, 1, 3, 3, 2));
    }

    [Fact]
    public void Mirror_padding_reflects()
    {
        var w = new TfjsModelWriter();
        w.Input("x", -1, 4, 4, 1);
        w.Ints("p", [0, 0, 2, 1, 1, 2, 0, 0], 4, 2);
        w.Op("MirrorPad", "y", ["x", "p"], A(("mode", Text("REFLECT"))));
        Check(w, "y", ConvertedGraph.Random(11, -1, 1, 1, 4, 4, 1));
    }

    [Theory]
    [InlineData("MaxPool", "SAME", 3, 2)]
    [InlineData("MaxPool", "VALID", 2, 2)]
    [InlineData("AvgPool", "SAME", 3, 2)]
    [InlineData("AvgPool", "VALID", 3, 1)]
    public void Pooling(string op, string padding, int kernel, int stride)
    {
        var w = new TfjsModelWriter();
        w.Input("x", -1, 7, 8, 2);
        w.Op(op, "y", ["x"], A(("padding", Text(padding)), ("ksize", IntList(1, kernel, kernel, 1)),
            ("strides", IntList(1, stride, stride, 1))));
        Check(w, "y", ConvertedGraph.Random(12, -1, 1, 2, 7, 8, 2));
    }

    [Fact]
    public void Flattening_an_image_follows_TensorFlow_element_order()
    {
        var w = new TfjsModelWriter();
        w.Input("x", -1, 2, 3, 4);
        w.Ints("shape", [-1, 24], 2);
        w.Op("Reshape", "y", ["x", "shape"]);

        var input = new Tensor([1, 2, 3, 4], Enumerable.Range(0, 24).Select(i => (float)i).ToArray());
        var y = Check(w, "y", input);

        Assert.Equal(input.Values, y.Values);
    }

    [Fact]
    public void A_reshape_with_a_hard_coded_batch_of_one_keeps_the_batch_free()
    {
        var w = new TfjsModelWriter();
        w.Input("x", 1, 2, 2, 6);
        w.Ints("shape", [1, 8, 3], 3);
        w.Op("Reshape", "y", ["x", "shape"]);

        var y = Check(w, "y", ConvertedGraph.Random(13, -1, 1, 1, 2, 2, 6));

        Assert.Equal([1, 8, 3], y.Shape);
    }

    [Fact]
    public void Reshapes_into_images_and_expanded_axes()
    {
        var w = new TfjsModelWriter();
        w.Input("x", -1, 12);
        w.Ints("shape", [-1, 2, 3, 2], 4);
        w.Op("Reshape", "img", ["x", "shape"]);
        w.Const("k", Seq(2 * 3), 1, 1, 2, 3);
        w.Op("Conv2D", "conv", ["img", "k"], A(("padding", Text("VALID")), ("strides", IntList(1, 1, 1, 1))));
        w.Ints("axis", [1], 1);
        w.Op("ExpandDims", "e", ["conv", "axis"]);
        w.Ints("flat", [-1, 18], 2);
        w.Op("Reshape", "y", ["e", "flat"]);
        Check(w, "y", ConvertedGraph.Random(14, -1, 1, 2, 12));
    }

    [Fact]
    public void Concatenation_on_channels_and_on_a_matrix_axis()
    {
        var w = new TfjsModelWriter();
        w.Input("x", -1, 3, 3, 2);
        w.Op("Relu", "r", ["x"]);
        w.Op("Neg", "n", ["x"]);
        w.Ints("axis", [3]);
        w.Op("ConcatV2", "c", ["r", "n", "axis"], A(("N", Int(2))));
        w.Ints("m", [1, 2], 2);
        w.Op("Mean", "pooled", ["c", "m"], A(("keep_dims", Flag(false))));
        w.Ints("last", [-1]);
        w.Op("ConcatV2", "y", ["pooled", "pooled", "last"], A(("N", Int(2))));
        Check(w, "y", ConvertedGraph.Random(15, -1, 1, 2, 3, 3, 2));
    }

    [Fact]
    public void Squeeze_of_spatial_axes_and_softmax_and_sigmoid()
    {
        var w = new TfjsModelWriter();
        w.Input("x", -1, 1, 1, 5);
        w.Op("Squeeze", "s", ["x"], A(("squeeze_dims", IntList(1, 2))));
        w.Op("Softmax", "soft", ["s"]);
        w.Op("Sigmoid", "y", ["soft"]);
        Check(w, "y", ConvertedGraph.Random(16, -3, 3, 2, 1, 1, 5));
    }

    [Fact]
    public void Softmax_of_an_image_runs_over_channels()
    {
        var w = new TfjsModelWriter();
        w.Input("x", -1, 2, 3, 4);
        w.Op("Softmax", "y", ["x"]);
        Check(w, "y", ConvertedGraph.Random(17, -3, 3, 1, 2, 3, 4));
    }

    [Theory]
    [InlineData("ResizeBilinear", false, false)]
    [InlineData("ResizeBilinear", false, true)]
    [InlineData("ResizeBilinear", true, false)]
    [InlineData("ResizeNearestNeighbor", false, false)]
    [InlineData("ResizeNearestNeighbor", false, true)]
    public void Resizing_follows_the_coordinate_rule_of_its_flags(string op, bool alignCorners, bool halfPixel)
    {
        var w = new TfjsModelWriter();
        w.Input("x", -1, 4, 5, 2);
        w.Ints("size", [8, 7], 2);
        w.Op(op, "y", ["x", "size"], A(("align_corners", Flag(alignCorners)), ("half_pixel_centers", Flag(halfPixel))));
        Check(w, "y", ConvertedGraph.Random(18, -1, 1, 1, 4, 5, 2));
    }

    [Fact]
    public void Depth_to_space_takes_channels_row_then_column()
    {
        var w = new TfjsModelWriter();
        w.Input("x", -1, 1, 1, 8);
        w.Op("DepthToSpace", "y", ["x"], A(("block_size", Int(2)), ("data_format", Text("NHWC"))));

        var y = Check(w, "y", new Tensor([1, 1, 1, 8], [0, 1, 2, 3, 4, 5, 6, 7]));

        // Cell (i, j) holds channels (2 i + j) * 2 and (2 i + j) * 2 + 1.
        Assert.Equal([1, 2, 2, 2], y.Shape);
        Assert.Equal([0f, 1f, 2f, 3f, 4f, 5f, 6f, 7f], y.Values);
    }

    [Fact]
    public void Batch_normalisation_and_elementwise_maths()
    {
        var w = new TfjsModelWriter();
        w.Input("x", -1, 3, 3, 2);
        w.Const("scale", [1.5f, 0.5f], 2);
        w.Const("offset", [0.1f, -0.1f], 2);
        w.Const("mean", [0.2f, -0.3f], 2);
        w.Const("var", [0.9f, 1.3f], 2);
        w.Op("FusedBatchNormV3", "bn", ["x", "scale", "offset", "mean", "var"], A(("epsilon", Number(0.001f))));
        w.Op("Exp", "e", ["bn"]);
        w.Op("Sqrt", "q", ["e"]);
        w.Op("Tanh", "t", ["q"]);
        w.Const("two", [2f]);
        w.Op("RealDiv", "d", ["t", "two"]);
        w.Op("Minimum", "mn", ["d", "two"]);
        w.Op("LeakyRelu", "l", ["mn"], A(("alpha", Number(0.1f))));
        w.Op("Prelu", "y", ["l", "scale"]);
        Check(w, "y", ConvertedGraph.Random(19, -2, 2, 2, 3, 3, 2));
    }

    [Fact]
    public void A_batch_gives_each_sample_what_it_gets_alone()
    {
        var w = new TfjsModelWriter();
        w.Input("x", -1, 6, 6, 3);
        w.Const("k", Seq(3 * 3 * 3 * 4), 3, 3, 3, 4);
        w.Op("Conv2D", "c", ["x", "k"], A(("padding", Text("SAME")), ("strides", IntList(1, 2, 2, 1))));
        w.Ints("flat", [-1, 36], 2);
        w.Op("Reshape", "y", ["c", "flat"]);
        var batch = ConvertedGraph.Random(20, -1, 1, 3, 6, 6, 3);

        var together = Check(w, "y", batch);
        var second = Check(w, "y", new Tensor([1, 6, 6, 3], batch.Values.Skip(108).Take(108).ToArray()));

        Assert.Equal(second.Values, together.Values.Skip(36).Take(36).ToArray());
    }

    [Fact]
    public void Only_what_the_requested_outputs_need_is_converted()
    {
        var w = new TfjsModelWriter();
        w.Input("x", -1, 4);
        w.Op("Relu", "wanted", ["x"]);
        w.Op("Unsupported", "unwanted", ["x"]);
        var path = w.Write(_folder.Path);

        var onnx = TfjsGraphConverter.Convert(path, ["wanted"]);

        var y = ConvertedGraph.Run(onnx, new Dictionary<string, Tensor> { ["x"] = new([1, 4], [-1f, 2f, -3f, 4f]) });
        Assert.Equal([0f, 2f, 0f, 4f], y["wanted"].Values);
    }

    [Fact]
    public void An_unknown_op_is_refused_with_its_name()
    {
        var w = new TfjsModelWriter();
        w.Input("x", -1, 4);
        w.Op("StridedSlice", "slice", ["x"]);
        var path = w.Write(_folder.Path);

        var e = Assert.Throws<VisageException>(() => TfjsGraphConverter.Convert(path));

        Assert.Contains("'StridedSlice'", e.Message);
        Assert.Contains("'slice'", e.Message);
        Assert.StartsWith(path, e.Message);
    }

    [Fact]
    public void A_fused_activation_it_does_not_know_is_refused_by_name()
    {
        var w = new TfjsModelWriter();
        w.Input("x", -1, 2, 2, 1);
        w.Const("k", [1f], 1, 1, 1, 1);
        w.Const("b", [0f], 1);
        w.Op("_FusedConv2D", "y", ["x", "k", "b"], A(("padding", Text("VALID")), ("strides", IntList(1, 1, 1, 1)),
            ("fused_ops", Texts("BiasAdd", "Swish")), ("num_args", Int(1))));
        var path = w.Write(_folder.Path);

        var e = Assert.Throws<VisageException>(() => TfjsGraphConverter.Convert(path));

        Assert.Contains("'Swish'", e.Message);
    }

    [Fact]
    public void A_model_that_is_not_a_graph_model_is_named()
    {
        var path = _folder.Write("weights.json", "[{\"paths\": [], \"weights\": []}]"u8.ToArray());

        var e = Assert.Throws<VisageException>(() => TfjsGraphModel.Load(path));

        Assert.StartsWith(path, e.Message);
    }
}
