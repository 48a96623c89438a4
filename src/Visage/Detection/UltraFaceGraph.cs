using System.Runtime.InteropServices;
using Google.Protobuf;
using Onnx;
using Visage.Execution;

namespace Visage.Detection;

/// <summary>
/// UltraFace's graph cut before its own prior-box decode: the cut network outputs each feature map's raw head
/// convolutions (class logits, then box regressions, map by map) and <see cref="UltraFaceAnchors"/> holds what the
/// decode needs, read from the graph's constants (variances, anchor sizes, strides). The decode the graph did
/// (softmax, eight transposes and reshapes, exp, slices) is then done in C# for the few priors that score.
/// </summary>
internal static class UltraFaceGraph
{
    /// <summary>
    /// The network cut at its heads, with the decode's constants; throws if the graph is not UltraFace's. With
    /// <paramref name="freeSize"/> the cut network takes images of any height and width (its nominal size, for
    /// tuning, stays the graph's); without, it keeps the graph's input size.
    /// </summary>
    public static (OnnxModel Heads, UltraFaceAnchors Anchors) Cut(OnnxModel full, bool freeSize = false)
    {
        var model = ModelProto.Parser.ParseFrom(full.Bytes);
        var graph = model.Graph;
        var producers = new Dictionary<string, NodeProto>(StringComparer.Ordinal);
        foreach (var node in graph.Node)
            foreach (var output in node.Output) producers[output] = node;
        var consumers = graph.Node.SelectMany(n => n.Input.Select(i => (i, n)))
            .ToLookup(p => p.i, p => p.n, StringComparer.Ordinal);

        string Fail(string why) => throw new VisageException($"{full.Name}: not UltraFace's graph ({why})");
        NodeProto Producer(string tensor) => producers.TryGetValue(tensor, out var node) ? node
            : throw new VisageException($"{full.Name}: not UltraFace's graph (nothing makes {tensor})");
        NodeProto Only(string tensor, string op) =>
            consumers[tensor].SingleOrDefault(n => n.OpType == op) ?? throw new VisageException($"{full.Name}: not UltraFace's graph ({tensor} does not go to one {op})");

        // Each head: Conv -> Transpose -> Reshape, all of a kind gathered by one Concat.
        string[] Heads(NodeProto concat) => concat.Input.Select(t =>
        {
            var reshape = Producer(t);
            var transpose = reshape.OpType == "Reshape" ? Producer(reshape.Input[0]) : null;
            var conv = transpose?.OpType == "Transpose" ? Producer(transpose.Input[0]) : null;
            return conv?.OpType == "Conv" ? conv.Output[0] : Fail($"{t} is not a reshaped convolution");
        }).ToArray();

        var softmax = graph.Node.SingleOrDefault(n => n.OpType == "Softmax") ?? throw new VisageException($"{full.Name}: not UltraFace's graph (no softmax)");
        var confidences = Producer(softmax.Input[0]);
        var classHeads = Heads(confidences);
        var locations = graph.Node.SingleOrDefault(n => n.OpType == "Concat" && n != confidences && n.Input.Count == classHeads.Length
                                                        && n.Input.All(i => producers.TryGetValue(i, out var r) && r.OpType == "Reshape"))
                        ?? throw new VisageException($"{full.Name}: not UltraFace's graph (no concatenation of box regressions)");
        var boxHeads = Heads(locations);

        // locations[..., :2] * centre variance * prior size + prior centre; exp(locations[..., 2:] * size variance) * prior size.
        float? centreVariance = null, sizeVariance = null;
        float[]? priorCentres = null, priorSizes = null;
        foreach (var slice in consumers[locations.Output[0]].Where(n => n.OpType == "Slice"))
        {
            var scaled = Only(slice.Output[0], "Mul");
            var variance = Scalar(graph, producers, Other(scaled, slice.Output[0]));
            if (consumers[scaled.Output[0]].FirstOrDefault(n => n.OpType == "Exp") is { } exp)
            {
                sizeVariance = variance;
                var sized = Only(exp.Output[0], "Mul");
                priorSizes = Floats(graph, producers, Other(sized, exp.Output[0]));
            }
            else
            {
                centreVariance = variance;
                var sized = Only(scaled.Output[0], "Mul");
                var moved = Only(sized.Output[0], "Add");
                priorSizes ??= Floats(graph, producers, Other(sized, scaled.Output[0]));
                priorCentres = Floats(graph, producers, Other(moved, sized.Output[0]));
            }
        }
        if (centreVariance is null || sizeVariance is null || priorCentres is null || priorSizes is null)
            Fail("no prior-box decode after the box regressions");

        var input = full.ItemShape;
        if (input.Count != 3) Fail("its input is not one image");
        int height = input[1], width = input[2];
        var strides = classHeads.Select(h => Stride(h, producers, full.InputName)).ToArray();
        var anchorsPerMap = new int[classHeads.Length];
        var sizes = new float[classHeads.Length][];
        var prior = 0;
        for (var m = 0; m < classHeads.Length; m++)
        {
            var channels = ConvChannels(graph, producers[classHeads[m]]);
            if (channels % 2 != 0 || ConvChannels(graph, producers[boxHeads[m]]) != channels * 2)
                Fail($"map {m}'s heads are not two logits and four regressions per anchor");
            var anchors = anchorsPerMap[m] = channels / 2;
            // Anchors are squares in input pixels: the first cell's sizes, as fractions of the input's width.
            sizes[m] = Enumerable.Range(0, anchors).Select(a => priorSizes![2 * (prior + a)] * width).ToArray();
            prior += anchors * Cells(width, strides[m]) * Cells(height, strides[m]);
        }
        var result = new UltraFaceAnchors(centreVariance!.Value, sizeVariance!.Value, strides, sizes);

        // The decode's constants say the same as the anchors do, prior by prior.
        var generated = result.Priors(width, height);
        float[] centres = priorCentres!, boxSizes = priorSizes!; // both checked above (Fail throws)
        if (generated.Count * 2 != centres.Length || generated.Count * 2 != boxSizes.Length)
            Fail($"{centres.Length / 2} priors in the graph, {generated.Count} from its heads");
        for (var i = 0; i < generated.Count; i++)
        {
            var p = generated[i];
            if (Math.Abs(p.CentreX - centres[2 * i]) > 1e-5f || Math.Abs(p.CentreY - centres[2 * i + 1]) > 1e-5f
                || Math.Abs(p.Width - boxSizes[2 * i]) > 1e-5f || Math.Abs(p.Height - boxSizes[2 * i + 1]) > 1e-5f)
                Fail($"prior {i} is not where its anchors say");
        }

        // The graph up to the heads, outputs in map order: class logits, then box regressions.
        var outputs = classHeads.Concat(boxHeads).ToArray();
        var needed = new HashSet<string>(outputs, StringComparer.Ordinal);
        var kept = new List<NodeProto>();
        foreach (var node in graph.Node.Reverse())
        {
            if (!node.Output.Any(needed.Contains)) continue;
            kept.Add(node);
            foreach (var i in node.Input) needed.Add(i);
        }
        kept.Reverse();
        graph.Node.Clear();
        graph.Node.AddRange(kept);
        foreach (var unused in graph.Initializer.Where(i => !needed.Contains(i.Name)).ToList()) graph.Initializer.Remove(unused);
        foreach (var unused in graph.Input.Where(i => !needed.Contains(i.Name)).ToList()) graph.Input.Remove(unused);
        foreach (var unused in graph.ValueInfo.Where(i => !needed.Contains(i.Name)).ToList()) graph.ValueInfo.Remove(unused);
        graph.Output.Clear();
        var inputDims = graph.Input.Single(i => i.Name == full.InputName).Type.TensorType.Shape.Dim;
        var batch = inputDims[0];
        if (freeSize)
        {
            inputDims[2] = new TensorShapeProto.Types.Dimension { DimParam = "height" };
            inputDims[3] = new TensorShapeProto.Types.Dimension { DimParam = "width" };
        }
        for (var o = 0; o < outputs.Length; o++)
        {
            // OpenCV's importer wants every output's shape: batch, channels, rows, columns.
            var m = o % classHeads.Length;
            var shape = new TensorShapeProto();
            shape.Dim.Add(batch.Clone());
            shape.Dim.Add(new TensorShapeProto.Types.Dimension { DimValue = ConvChannels(graph, producers[outputs[o]]) });
            shape.Dim.Add(freeSize ? new TensorShapeProto.Types.Dimension { DimParam = $"rows{m}" }
                : new TensorShapeProto.Types.Dimension { DimValue = Cells(height, strides[m]) });
            shape.Dim.Add(freeSize ? new TensorShapeProto.Types.Dimension { DimParam = $"columns{m}" }
                : new TensorShapeProto.Types.Dimension { DimValue = Cells(width, strides[m]) });
            graph.Output.Add(new ValueInfoProto
            {
                Name = outputs[o],
                Type = new TypeProto
                {
                    TensorType = new TypeProto.Types.Tensor { ElemType = (int)TensorProto.Types.DataType.Float, Shape = shape },
                },
            });
        }
        // Shapes inferred for the graph's own input size no longer hold when it is free.
        if (freeSize) graph.ValueInfo.Clear();
        var heads = OnnxModel.FromBytes(
            Path.GetFileNameWithoutExtension(full.Name) + (freeSize ? "-heads-any-size.onnx" : "-heads.onnx"),
            model.ToByteArray(), full.ItemShape);
        return (heads, result);
    }

    /// <summary>Cells of a feature map along a side: each stride-2 3x3 convolution (padding 1) rounds up.</summary>
    internal static int Cells(int side, int stride) => (side + stride - 1) / stride;

    private static string Other(NodeProto node, string input) =>
        node.Input.Count == 2 ? (node.Input[0] == input ? node.Input[1] : node.Input[0])
            : throw new VisageException($"{node.Name}: expected two inputs");

    private static float Scalar(GraphProto graph, Dictionary<string, NodeProto> producers, string tensor)
    {
        var values = Floats(graph, producers, tensor);
        return values.Length == 1 ? values[0] : throw new VisageException($"{tensor}: expected one number, found {values.Length}");
    }

    private static float[] Floats(GraphProto graph, Dictionary<string, NodeProto> producers, string tensor)
    {
        var value = graph.Initializer.FirstOrDefault(i => i.Name == tensor)
                    ?? (producers.TryGetValue(tensor, out var node) && node.OpType == "Constant"
                        ? node.Attribute.FirstOrDefault(a => a.Name == "value")?.T : null)
                    ?? throw new VisageException($"{tensor} is not a constant");
        if (value.DataType != (int)TensorProto.Types.DataType.Float) throw new VisageException($"{tensor} is not float");
        return value.FloatData.Count > 0 ? value.FloatData.ToArray() : MemoryMarshal.Cast<byte, float>(value.RawData.Span).ToArray();
    }

    private static int ConvChannels(GraphProto graph, NodeProto conv)
    {
        var weight = graph.Initializer.FirstOrDefault(i => i.Name == conv.Input[1])
                     ?? throw new VisageException($"{conv.Name}: its weights are not an initializer");
        return checked((int)weight.Dims[0]);
    }

    /// <summary>The product of the convolution strides between the input and <paramref name="tensor"/> (the same on both axes).</summary>
    private static int Stride(string tensor, Dictionary<string, NodeProto> producers, string input)
    {
        var stride = 1;
        while (tensor != input)
        {
            var node = producers.TryGetValue(tensor, out var n) ? n : throw new VisageException($"{tensor}: not made from the input");
            if (node.OpType == "Conv" && node.Attribute.FirstOrDefault(a => a.Name == "strides") is { } s)
            {
                if (s.Ints.Count != 2 || s.Ints[0] != s.Ints[1]) throw new VisageException($"{node.Name}: strides differ across axes");
                stride *= checked((int)s.Ints[0]);
            }
            tensor = node.Input[0];
        }
        return stride;
    }
}
