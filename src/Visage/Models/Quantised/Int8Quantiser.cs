using System.Runtime.InteropServices;
using Google.Protobuf;
using Onnx;

namespace Visage.Models.Quantised;

/// <summary>
/// Static int8 quantisation of a float ONNX graph in QDQ form: QuantizeLinear/DequantizeLinear pairs around
/// the tensors that convolutions, Gemm and MatMul read and write (and residual Adds), which ONNX Runtime fuses
/// into its integer kernels (QLinearConv, QGemm, QLinearMatMul, QLinearAdd) at its extended optimisation level.
/// Weights become int8, symmetric, one scale per output channel; biases int32 at the input's scale times the
/// weight's; activations uint8 over the ranges calibration measured (<see cref="RangeCalibrator"/>). A Relu (or
/// Clip from 0) right after a quantised node is quantised at its output, zero point 0, so that ONNX Runtime
/// drops it; max-pooling, reshapes and the like keep their input's scale, so that they run on bytes.
/// Works on the graph as <see cref="GraphPreparation"/> leaves it (batch norms folded into convolutions).
/// </summary>
internal static class Int8Quantiser
{
    /// <summary>Bump whenever the quantised graph for the same inputs would change: cached models are keyed by it.</summary>
    public const int Version = 1;

    private static readonly HashSet<string> SameScaleOps =
        new(StringComparer.Ordinal) { "MaxPool", "Reshape", "Flatten", "Transpose", "Squeeze", "Unsqueeze" };

    /// <summary>The activation tensors <see cref="Quantise"/> needs ranges for, in graph order.</summary>
    public static IReadOnlyList<string> TensorsToCalibrate(ModelProto model, string network) =>
        new Selection(model, network).Tensors;

    /// <summary>The graph with int8 weights and QDQ activations; throws <see cref="QuantisationException"/> for what it cannot do.</summary>
    public static byte[] Quantise(byte[] preparedFloatOnnx, IReadOnlyDictionary<string, TensorRange> ranges, string network,
        QuantiserSettings? settings = null)
    {
        settings ??= QuantiserSettings.Default;
        ModelProto model;
        try
        {
            model = ModelProto.Parser.ParseFrom(preparedFloatOnnx);
        }
        catch (InvalidProtocolBufferException e)
        {
            throw new QuantisationException(network, $"not an ONNX model ({e.Message})");
        }
        RaiseOpsetTo10(model, network);
        var selection = new Selection(model, network);
        var graph = model.Graph;
        for (var i = 0; i < graph.Node.Count; i++)
            if (graph.Node[i].Name.Length == 0) graph.Node[i].Name = $"visage_node{i}";
        var rewriter = new Rewriter(graph, settings, selection.OpsetDomain);

        // Activations: each tensor's scale and zero point, from its range or, after a pooling or reshape, its input's.
        var parameters = new Dictionary<string, (float Scale, byte ZeroPoint)>(StringComparer.Ordinal);
        foreach (var tensor in selection.Tensors)
        {
            if (selection.SameScaleSource(tensor) is { } source && parameters.TryGetValue(source, out var inherited))
            {
                parameters[tensor] = inherited;
                continue;
            }
            if (!ranges.TryGetValue(tensor, out var range))
                throw new QuantisationException(network,
                    $"the calibration ranges have no entry for tensor '{tensor}': they were measured on another network");
            parameters[tensor] = ActivationParameters(range, settings, network, tensor);
        }

        foreach (var node in selection.Compute)
            rewriter.QuantiseWeights(node, parameters[node.Input[0]].Scale);
        foreach (var tensor in selection.Tensors)
            rewriter.InsertPair(tensor, parameters[tensor], selection.IsGraphInput(tensor));

        rewriter.Finish();
        if (selection.OpsetDomain == MicrosoftDomain && model.OpsetImport.All(o => o.Domain != MicrosoftDomain))
            model.OpsetImport.Add(new OperatorSetIdProto { Domain = MicrosoftDomain, Version = 1 });
        // Initialisers need not be listed among the inputs from IR version 4 on; the new ones are not.
        if (model.IrVersion < 7) model.IrVersion = 7;
        model.ProducerName = "visage int8 quantiser";
        model.ProducerVersion = Version.ToString(System.Globalization.CultureInfo.InvariantCulture);
        return model.ToByteArray();
    }

    private const string MicrosoftDomain = "com.microsoft";

    private static readonly HashSet<string> ChangedInOpset10 =
        new(StringComparer.Ordinal) { "TopK", "Upsample", "Dropout", "Scan" };

    /// <summary>
    /// ONNX Runtime writes the fused integer kernels in the ONNX domain, which has them from opset 10: an older
    /// graph is raised to opset 10, its Slices given their starts, ends and axes as inputs (as opset 10 wants);
    /// a graph with another operator whose meaning changed there is refused.
    /// </summary>
    private static void RaiseOpsetTo10(ModelProto model, string network)
    {
        var imports = model.OpsetImport.Where(o => o.Domain is "" or "ai.onnx").ToList();
        var opset = imports.Select(o => o.Version).DefaultIfEmpty(0).Max();
        if (opset >= 10 || model.Graph is null) return;
        var graph = model.Graph;
        var changed = graph.Node.Where(n => n.Domain is "" or "ai.onnx" && ChangedInOpset10.Contains(n.OpType))
            .Select(n => n.OpType).Distinct().Order(StringComparer.Ordinal).ToList();
        if (changed.Count > 0)
            throw new QuantisationException(network,
                $"opset {opset} has no integer kernels, and its {string.Join(", ", changed)} changed meaning in opset 10, so it cannot be raised");
        var n = 0;
        foreach (var slice in graph.Node.Where(v => v.OpType == "Slice" && v.Input.Count == 1))
        {
            var prefix = $"visage_slice{n++}";
            foreach (var name in new[] { "starts", "ends", "axes" })
            {
                if (slice.Attribute.FirstOrDefault(a => a.Name == name) is not { } attribute)
                {
                    if (name == "axes") break;
                    throw new QuantisationException(network, $"Slice '{slice.Name}' has no {name}");
                }
                var tensor = new TensorProto { Name = $"{prefix}_{name}", DataType = (int)TensorProto.Types.DataType.Int64 };
                tensor.Dims.Add(attribute.Ints.Count);
                tensor.Int64Data.AddRange(attribute.Ints);
                graph.Initializer.Add(tensor);
                slice.Input.Add(tensor.Name);
                slice.Attribute.Remove(attribute);
            }
        }
        foreach (var import in imports) import.Version = 10;
    }

    private static (float Scale, byte ZeroPoint) ActivationParameters(TensorRange range, QuantiserSettings settings,
        string network, string tensor)
    {
        var (min, max) = settings.Ranges == RangeChoice.MeanOfItemExtremes
            ? (range.MeanMin, range.MeanMax)
            : (range.Min, range.Max);
        if (!float.IsFinite(min) || !float.IsFinite(max) || min > max)
            throw new QuantisationException(network, $"tensor '{tensor}' has no usable calibration range ({min} to {max})");
        min = Math.Min(min, 0f);
        max = Math.Max(max, 0f);
        var scale = (max - min) / 255f;
        if (scale < 1e-8f) scale = 1e-8f;
        var zeroPoint = (byte)Math.Clamp(MathF.Round(-min / scale), 0, 255);
        return (scale, zeroPoint);
    }

    /// <summary>Which nodes get integer weights and which tensors get a quantise/dequantise pair.</summary>
    private sealed class Selection
    {
        private readonly Dictionary<string, NodeProto> _producers = new(StringComparer.Ordinal);
        private readonly HashSet<string> _graphInputs;
        private readonly HashSet<string> _tensors = new(StringComparer.Ordinal);

        public Selection(ModelProto model, string network)
        {
            var graph = model.Graph ?? throw new QuantisationException(network, "the ONNX model has no graph");
            // Per-channel QDQ needs opset 13; older graphs get ONNX Runtime's own QuantizeLinear/DequantizeLinear
            // (com.microsoft, with an axis), since raising their opset would change what other operators mean.
            var opset = model.OpsetImport.Where(o => o.Domain is "" or "ai.onnx").Select(o => o.Version).DefaultIfEmpty(0).Max();
            OpsetDomain = opset >= 13 ? "" : MicrosoftDomain;

            var initializers = graph.Initializer.ToDictionary(i => i.Name, StringComparer.Ordinal);
            foreach (var init in graph.Initializer)
                if (init.DataLocation == TensorProto.Types.DataLocation.External)
                    throw new QuantisationException(network, $"initializer '{init.Name}' lies in an external file, which is not supported");
            if (graph.Node.Any(n => n.OpType is "QuantizeLinear" or "DequantizeLinear" or "QLinearConv" or "QLinearMatMul" or "ConvInteger" or "MatMulInteger"))
                throw new QuantisationException(network, "the network is already quantised");
            _graphInputs = graph.Input.Select(i => i.Name).Where(n => !initializers.ContainsKey(n)).ToHashSet(StringComparer.Ordinal);
            var graphOutputs = graph.Output.Select(o => o.Name).ToHashSet(StringComparer.Ordinal);
            foreach (var node in graph.Node)
                foreach (var output in node.Output)
                    _producers[output] = node;
            var consumers = graph.Node.SelectMany(n => n.Input.Select(i => (Tensor: i, Node: n)))
                .GroupBy(p => p.Tensor, StringComparer.Ordinal)
                .ToDictionary(g => g.Key, g => g.Select(p => p.Node).ToList(), StringComparer.Ordinal);

            bool IsActivation(string name) => name.Length > 0 && !initializers.ContainsKey(name) &&
                                               (_graphInputs.Contains(name) || _producers.ContainsKey(name));
            bool IsFloatWeight(string name, int rank) => initializers.TryGetValue(name, out var t) &&
                                                         t.DataType == (int)TensorProto.Types.DataType.Float &&
                                                         t.Dims.Count == rank;

            var compute = new List<NodeProto>();
            var elementwise = new List<NodeProto>();
            foreach (var node in graph.Node)
            {
                switch (node.OpType)
                {
                    case "Conv" when node.Input.Count >= 2 && IsActivation(node.Input[0]) &&
                                     initializers.TryGetValue(node.Input[1], out var w) &&
                                     w.DataType == (int)TensorProto.Types.DataType.Float && w.Dims.Count is 3 or 4 &&
                                     (node.Input.Count < 3 || node.Input[2].Length == 0 || IsFloatWeight(node.Input[2], 1)):
                        compute.Add(node);
                        break;
                    case "Gemm" when node.Input.Count >= 2 && IsActivation(node.Input[0]) && IsFloatWeight(node.Input[1], 2) &&
                                     Int(node, "transA", 0) == 0 && Float(node, "alpha", 1f) == 1f &&
                                     (node.Input.Count < 3 || (IsFloatWeight(node.Input[2], 1) && Float(node, "beta", 1f) == 1f)):
                        compute.Add(node);
                        break;
                    case "MatMul" when node.Input.Count == 2 && IsActivation(node.Input[0]) && IsFloatWeight(node.Input[1], 2):
                        compute.Add(node);
                        break;
                    case "Add" when node.Input.Count == 2 && IsActivation(node.Input[0]) && IsActivation(node.Input[1]):
                        elementwise.Add(node);
                        break;
                }
            }
            if (compute.Count == 0)
                throw new QuantisationException(network, "nothing to quantise: no Conv, Gemm or MatMul with constant float weights");
            Compute = compute;

            // The tensor a node's result is quantised at: after a Relu (or Clip from 0) that alone reads it.
            string OutputPoint(NodeProto node)
            {
                var output = node.Output[0];
                if (graphOutputs.Contains(output) || !consumers.TryGetValue(output, out var readers) || readers.Count != 1)
                    return output;
                var next = readers[0];
                var rectifies = next.OpType == "Relu" ||
                                (next.OpType == "Clip" && next.Input.Count >= 2 && initializers.TryGetValue(next.Input[1], out var low) &&
                                 ReadFloats(low) is [0f]);
                return rectifies ? next.Output[0] : output;
            }

            foreach (var node in compute.Concat(elementwise))
            {
                foreach (var input in node.OpType == "Add" ? node.Input : node.Input.Take(1))
                    _tensors.Add(input);
                _tensors.Add(OutputPoint(node));
            }
            // Graph order, so that a pooling's input gets its parameters before the pooling's output copies them.
            var order = _graphInputs.Concat(graph.Node.SelectMany(n => n.Output)).ToList();
            Tensors = order.Where(_tensors.Contains).ToList();
        }

        public string OpsetDomain { get; }
        public IReadOnlyList<NodeProto> Compute { get; }
        public IReadOnlyList<string> Tensors { get; }

        public bool IsGraphInput(string tensor) => _graphInputs.Contains(tensor);

        /// <summary>The quantised tensor whose scale a pooling or reshape passes on to <paramref name="tensor"/>.</summary>
        public string? SameScaleSource(string tensor)
        {
            if (!_producers.TryGetValue(tensor, out var producer) || !SameScaleOps.Contains(producer.OpType)) return null;
            var input = producer.Input[0];
            return _tensors.Contains(input) ? input : SameScaleSource(input);
        }
    }

    /// <summary>Rewrites the graph in place: integer weights, QDQ pairs, and the nodes put back in order.</summary>
    private sealed class Rewriter(GraphProto graph, QuantiserSettings settings, string domain)
    {
        private readonly Dictionary<string, TensorProto> _initializers = graph.Initializer.ToDictionary(i => i.Name, StringComparer.Ordinal);
        private readonly List<NodeProto> _weightNodes = [];
        private readonly Dictionary<NodeProto, List<NodeProto>> _pairsAfter = new(ReferenceEqualityComparer.Instance);
        private readonly List<NodeProto> _inputPairs = [];
        private readonly HashSet<string> _replaced = new(StringComparer.Ordinal);
        private readonly Dictionary<(string, int), (string Name, float[] Scales)> _weights = [];

        public void QuantiseWeights(NodeProto node, float inputScale)
        {
            var axis = node.OpType switch
            {
                "Conv" => 0,
                "Gemm" => Int(node, "transB", 0) == 1 ? 0 : 1,
                _ => 1, // MatMul: one scale per output column
            };
            var (weights, scales) = Weights(node.Input[1], axis);
            node.Input[1] = weights;
            if (node.Input.Count >= 3 && node.Input[2].Length > 0)
                node.Input[2] = Bias(node.Input[2], inputScale, scales, node.Name);
        }

        private (string Name, float[] Scales) Weights(string name, int axis)
        {
            if (_weights.TryGetValue((name, axis), out var done)) return done;
            var tensor = _initializers[name];
            var values = ReadFloats(tensor);
            var dims = tensor.Dims.ToArray();
            var channels = (int)dims[axis];
            var inner = 1;
            for (var d = axis + 1; d < dims.Length; d++) inner *= (int)dims[d];
            var limit = settings.ReduceRange ? 63f : 127f;
            var scales = new float[channels];
            for (var i = 0; i < values.Length; i++)
            {
                var c = i / inner % channels;
                scales[c] = Math.Max(scales[c], Math.Abs(values[i]));
            }
            for (var c = 0; c < channels; c++) scales[c] = scales[c] > 0 ? scales[c] / limit : 1f;
            var quantised = new sbyte[values.Length];
            for (var i = 0; i < values.Length; i++)
                quantised[i] = (sbyte)Math.Clamp(MathF.Round(values[i] / scales[i / inner % channels]), -limit, limit);

            var q = AddTensor($"{name}_int8", TensorProto.Types.DataType.Int8, dims, MemoryMarshal.AsBytes(quantised.AsSpan()));
            var s = AddFloats($"{name}_int8_scale", scales);
            var z = AddTensor($"{name}_int8_zero", TensorProto.Types.DataType.Int8, [channels], new byte[channels]);
            var output = $"{name}_dequantised";
            _weightNodes.Add(Dequantise(output, q, s, z, axis));
            _replaced.Add(name);
            return _weights[(name, axis)] = (output, scales);
        }

        private string Bias(string name, float inputScale, float[] weightScales, string nodeName)
        {
            var values = ReadFloats(_initializers[name]);
            if (values.Length != weightScales.Length)
                throw new QuantisationException(nodeName, $"bias '{name}' has {values.Length} values for {weightScales.Length} channels");
            var scales = weightScales.Select(w => inputScale * w).ToArray();
            var quantised = new int[values.Length];
            for (var c = 0; c < values.Length; c++)
                quantised[c] = (int)Math.Clamp(Math.Round((double)values[c] / scales[c]), int.MinValue, int.MaxValue);
            var unique = $"{name}_{nodeName}";
            var q = AddTensor($"{unique}_int32", TensorProto.Types.DataType.Int32, [values.Length], MemoryMarshal.AsBytes(quantised.AsSpan()));
            var s = AddFloats($"{unique}_int32_scale", scales);
            var z = AddTensor($"{unique}_int32_zero", TensorProto.Types.DataType.Int32, [values.Length], new byte[4 * values.Length]);
            var output = $"{unique}_dequantised";
            _weightNodes.Add(Dequantise(output, q, s, z, 0));
            _replaced.Add(name);
            return output;
        }

        /// <summary>
        /// Quantises and dequantises <paramref name="tensor"/>: its producer now writes <c>tensor_float</c>, and the
        /// pair gives its readers the tensor under its own name (a graph input keeps its name; its readers get the pair's).
        /// </summary>
        public void InsertPair(string tensor, (float Scale, byte ZeroPoint) p, bool isGraphInput)
        {
            var s = AddFloats($"{tensor}_scale", [p.Scale], scalar: true);
            var z = AddTensor($"{tensor}_zero", TensorProto.Types.DataType.Uint8, [], [p.ZeroPoint]);
            if (isGraphInput)
            {
                var read = $"{tensor}_dequantised";
                foreach (var node in graph.Node)
                    for (var i = 0; i < node.Input.Count; i++)
                        if (node.Input[i] == tensor) node.Input[i] = read;
                _inputPairs.Add(Quantise($"{tensor}_uint8", tensor, s, z));
                _inputPairs.Add(Dequantise(read, $"{tensor}_uint8", s, z, null));
                return;
            }
            var written = $"{tensor}_float";
            var producer = graph.Node.First(n => n.Output.Contains(tensor));
            for (var i = 0; i < producer.Output.Count; i++)
                if (producer.Output[i] == tensor) producer.Output[i] = written;
            if (!_pairsAfter.TryGetValue(producer, out var pairs)) _pairsAfter[producer] = pairs = [];
            pairs.AddRange([Quantise($"{tensor}_uint8", written, s, z), Dequantise(tensor, $"{tensor}_uint8", s, z, null)]);
        }

        /// <summary>Puts the new nodes in topological order and drops float weights nothing reads any more.</summary>
        public void Finish()
        {
            var nodes = graph.Node.ToList();
            graph.Node.Clear();
            graph.Node.AddRange(_weightNodes);
            graph.Node.AddRange(_inputPairs);
            foreach (var node in nodes)
            {
                graph.Node.Add(node);
                if (_pairsAfter.TryGetValue(node, out var pairs)) graph.Node.AddRange(pairs);
            }
            var used = graph.Node.SelectMany(n => n.Input).ToHashSet(StringComparer.Ordinal);
            foreach (var name in _replaced.Where(n => !used.Contains(n)))
            {
                graph.Initializer.Remove(_initializers[name]);
                foreach (var input in graph.Input.Where(i => i.Name == name).ToList()) graph.Input.Remove(input);
            }
        }

        private NodeProto Quantise(string output, string input, string scale, string zero)
        {
            var node = new NodeProto { OpType = "QuantizeLinear", Domain = domain, Name = $"{output}/QuantizeLinear" };
            node.Input.AddRange([input, scale, zero]);
            node.Output.Add(output);
            return node;
        }

        private NodeProto Dequantise(string output, string input, string scale, string zero, int? axis)
        {
            var node = new NodeProto { OpType = "DequantizeLinear", Domain = domain, Name = $"{output}/DequantizeLinear" };
            node.Input.AddRange([input, scale, zero]);
            node.Output.Add(output);
            if (axis is { } a)
                node.Attribute.Add(new AttributeProto { Name = "axis", Type = AttributeProto.Types.AttributeType.Int, I = a });
            return node;
        }

        private string AddFloats(string name, float[] values, bool scalar = false) =>
            AddTensor(name, TensorProto.Types.DataType.Float, scalar ? [] : [values.Length], MemoryMarshal.AsBytes(values.AsSpan()));

        private string AddTensor(string name, TensorProto.Types.DataType type, long[] dims, ReadOnlySpan<byte> raw)
        {
            var tensor = new TensorProto { Name = name, DataType = (int)type, RawData = ByteString.CopyFrom(raw) };
            tensor.Dims.AddRange(dims);
            graph.Initializer.Add(tensor);
            _initializers[name] = tensor;
            return name;
        }
    }

    internal static float[] ReadFloats(TensorProto tensor) => tensor.FloatData.Count > 0
        ? tensor.FloatData.ToArray()
        : MemoryMarshal.Cast<byte, float>(tensor.RawData.Span).ToArray();

    private static long Int(NodeProto node, string name, long fallback) =>
        node.Attribute.FirstOrDefault(a => a.Name == name) is { } a ? a.I : fallback;

    private static float Float(NodeProto node, string name, float fallback) =>
        node.Attribute.FirstOrDefault(a => a.Name == name) is { } a ? a.F : fallback;
}

/// <summary>Which calibration extremes set the activations' ranges.</summary>
internal enum RangeChoice
{
    /// <summary>The extremes over all calibration items.</summary>
    Extremes,

    /// <summary>The mean of each item's extremes: a few outlying items do not stretch the range.</summary>
    MeanOfItemExtremes,
}

/// <summary>
/// How to quantise. <see cref="ReduceRange"/> keeps weights within ±63 (7 bits), which avoids the overflow of
/// the pairwise sums in ONNX Runtime's u8s8 kernels on AVX2 CPUs without VNNI, at some precision.
/// </summary>
internal sealed record QuantiserSettings(RangeChoice Ranges = RangeChoice.Extremes, bool ReduceRange = false)
{
    public static QuantiserSettings Default { get; } = new();

    public string Describe() => $"int8 v{Int8Quantiser.Version}, ranges {Ranges}, weights {(ReduceRange ? "7" : "8")}-bit";
}
