using System.Security.Cryptography;
using Onnx;

namespace Visage.Execution;

/// <summary>
/// A network as plain ONNX bytes, with what running it needs to know: its input (name, the shape of one
/// item, whether the batch dimension is free) and its outputs in graph order. Any ONNX model will do: the
/// packs' files, the graphs Visage builds in C#, converted TensorFlow.js models.
/// </summary>
internal sealed class OnnxModel
{
    private readonly Dictionary<GraphRewrite, byte[]> _rewritten = [];

    private OnnxModel(string name, byte[] bytes, string inputName, int[] itemShape, bool batchDynamic, bool sizeDynamic,
        IReadOnlyList<string> outputNames, IReadOnlyList<GraphRewrite> rewrites)
    {
        SizeDynamic = sizeDynamic;
        Rewrites = rewrites;
        Name = name;
        Bytes = bytes;
        InputName = inputName;
        ItemShape = itemShape;
        BatchDynamic = batchDynamic;
        OutputNames = outputNames;
        Sha256 = Convert.ToHexStringLower(SHA256.HashData(bytes));
    }

    /// <summary>A short name for messages and cache files (a file name, or a network's own name).</summary>
    public string Name { get; }

    public byte[] Bytes { get; }

    /// <summary>Hex SHA-256 of <see cref="Bytes"/>: a plan is only reused for the very same network.</summary>
    public string Sha256 { get; }

    public string InputName { get; }

    /// <summary>The input's dimensions after the batch one (channels, height, width for an image network).</summary>
    public IReadOnlyList<int> ItemShape { get; }

    /// <summary>
    /// Whether some item dimensions are free (a fully convolutional network that takes images of any size):
    /// <see cref="ItemShape"/> then holds the nominal size the network is tuned at.
    /// </summary>
    public bool SizeDynamic { get; }

    /// <summary>Floats in one item of the input.</summary>
    public int ItemSize => ItemShape.Aggregate(1, (a, b) => a * b);

    /// <summary>Whether the network takes several items in one run (its batch dimension is symbolic).</summary>
    public bool BatchDynamic { get; }

    public IReadOnlyList<string> OutputNames { get; }

    /// <summary>The rewrites that change something in this graph.</summary>
    public IReadOnlyList<GraphRewrite> Rewrites { get; }

    /// <summary>The graph in the given form, rewritten once on first use.</summary>
    public byte[] BytesFor(GraphRewrite rewrite)
    {
        if (rewrite == GraphRewrite.None) return Bytes;
        lock (_rewritten)
        {
            if (!_rewritten.TryGetValue(rewrite, out var bytes))
                _rewritten[rewrite] = bytes = OnnxRewrites.Apply(Bytes, rewrite);
            return bytes;
        }
    }

    public int OutputIndex(string outputName)
    {
        for (var i = 0; i < OutputNames.Count; i++)
            if (OutputNames[i] == outputName) return i;
        throw new ArgumentException($"{Name} has no output '{outputName}' (it has {string.Join(", ", OutputNames)})");
    }

    public static OnnxModel FromFile(string path) => FromBytes(Path.GetFileName(path), File.ReadAllBytes(path));

    /// <summary>
    /// Reads the graph's single input and its outputs; the first input dimension is the batch. Item dimensions
    /// the graph leaves free take their size from <paramref name="nominalItemShape"/> (refused without it).
    /// </summary>
    public static OnnxModel FromBytes(string name, byte[] bytes, IReadOnlyList<int>? nominalItemShape = null)
    {
        ModelProto model;
        try
        {
            model = ModelProto.Parser.ParseFrom(bytes);
        }
        catch (Google.Protobuf.InvalidProtocolBufferException e)
        {
            throw new VisageException($"{name}: not an ONNX model ({e.Message})");
        }
        var graph = model.Graph ?? throw new VisageException($"{name}: the ONNX model has no graph");
        var initializers = graph.Initializer.Select(i => i.Name).ToHashSet(StringComparer.Ordinal);
        var inputs = graph.Input.Where(i => !initializers.Contains(i.Name)).ToList();
        if (inputs.Count != 1)
            throw new VisageException($"{name}: expected one input, found {inputs.Count}");
        var dims = inputs[0].Type?.TensorType?.Shape?.Dim
                   ?? throw new VisageException($"{name}: input '{inputs[0].Name}' has no tensor shape");
        if (dims.Count < 2)
            throw new VisageException($"{name}: input '{inputs[0].Name}' needs a batch and an item dimension");
        var itemShape = new int[dims.Count - 1];
        var sizeDynamic = false;
        for (var d = 1; d < dims.Count; d++)
        {
            if (dims[d].DimValue > 0)
            {
                itemShape[d - 1] = checked((int)dims[d].DimValue);
                continue;
            }
            if (nominalItemShape is null || nominalItemShape.Count != dims.Count - 1)
                throw new VisageException($"{name}: input dimension {d} of '{inputs[0].Name}' is not fixed");
            itemShape[d - 1] = nominalItemShape[d - 1];
            sizeDynamic = true;
        }
        var batchDynamic = dims[0].ValueCase == TensorShapeProto.Types.Dimension.ValueOneofCase.DimParam
                           || dims[0].DimValue <= 0;
        var outputs = graph.Output.Select(o => o.Name).ToList();
        if (outputs.Count == 0) throw new VisageException($"{name}: the ONNX model has no outputs");
        var rewrites = Enum.GetValues<GraphRewrite>()
            .Where(r => r != GraphRewrite.None && OnnxRewrites.AppliesTo(model, r)).ToList();
        return new OnnxModel(name, bytes, inputs[0].Name, itemShape, batchDynamic, sizeDynamic, outputs, rewrites);
    }

    public override string ToString() => $"{Name} [{Sha256[..12]}]";
}
