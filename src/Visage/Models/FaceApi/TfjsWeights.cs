using System.Buffers.Binary;
using System.Text.Json;

namespace Visage.Models.FaceApi;

/// <summary>
/// A TensorFlow.js weights manifest (<c>*-weights_manifest.json</c>) and the binary files it names, read
/// into float tensors. The files of one manifest group are one byte stream in which the group's weights
/// lie back to back, in manifest order, little-endian. A weight with a <c>quantization</c> entry stores
/// one unsigned integer q per value, and value = min + scale * q (uint8 or uint16), or a float16.
/// int32 weights (the shapes, axes and paddings of graph models) are kept as integers too.
/// The stream must hold exactly the bytes the manifest describes; a missing file, any other length or a
/// malformed entry is a <see cref="VisageException"/> that names the file at fault.
/// </summary>
internal sealed class TfjsWeights
{
    private readonly Dictionary<string, TfjsTensor> _tensors;
    private readonly List<string> _names;

    private TfjsWeights(string manifestPath, List<TfjsTensor> tensors)
    {
        ManifestPath = manifestPath;
        _names = tensors.Select(t => t.Name).ToList();
        _tensors = tensors.ToDictionary(t => t.Name, StringComparer.Ordinal);
    }

    public string ManifestPath { get; }

    /// <summary>The weights' names in manifest order.</summary>
    public IReadOnlyList<string> Names => _names;

    /// <summary>The number of values in all weights together.</summary>
    public long ValueCount => _tensors.Values.Sum(t => (long)t.Values.Length);

    /// <summary>The weight named <paramref name="name"/>, whatever its shape.</summary>
    public TfjsTensor this[string name] => _tensors.TryGetValue(name, out var tensor)
        ? tensor
        : throw new VisageException($"{ManifestPath}: no weight named '{name}'");

    /// <summary>The weight named <paramref name="name"/>, which must have exactly the given shape.</summary>
    public TfjsTensor Get(string name, params int[] shape)
    {
        var tensor = this[name];
        if (!tensor.Shape.SequenceEqual(shape))
            throw new VisageException(
                $"{ManifestPath}: weight '{name}' has shape {Format(tensor.Shape)}, but {Format(shape)} is needed");
        return tensor;
    }

    /// <summary>
    /// The weights of a graph model: the <c>weightsManifest</c> list of its <c>model.json</c>, whose files lie
    /// beside it.
    /// </summary>
    internal static TfjsWeights FromGroups(string modelPath, JsonElement groupsElement)
    {
        List<Group> groups;
        try
        {
            groups = ParseGroups(groupsElement);
        }
        catch (Exception e) when (e is JsonException or FormatException or InvalidOperationException)
        {
            throw new VisageException($"{modelPath}: not a TensorFlow.js weights manifest ({e.Message})");
        }
        return Read(modelPath, groups);
    }

    public static TfjsWeights Load(string manifestPath)
    {
        string json;
        try
        {
            json = File.ReadAllText(manifestPath);
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
        {
            throw new VisageException($"{manifestPath}: no such weights manifest");
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new VisageException($"{manifestPath}: cannot read weights manifest ({e.Message})");
        }

        List<Group> groups;
        try
        {
            using var document = JsonDocument.Parse(json);
            groups = ParseGroups(document.RootElement);
        }
        catch (Exception e) when (e is JsonException or FormatException or InvalidOperationException)
        {
            throw new VisageException($"{manifestPath}: not a TensorFlow.js weights manifest ({e.Message})");
        }
        return Read(manifestPath, groups);
    }

    private static TfjsWeights Read(string manifestPath, List<Group> groups)
    {
        var folder = Path.GetDirectoryName(Path.GetFullPath(manifestPath))!;
        var tensors = new List<TfjsTensor>();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var group in groups)
        {
            var files = group.Paths.Select(p => Path.Combine(folder, p)).ToList();
            var bytes = ReadShards(manifestPath, files);
            var expected = group.Weights.Sum(w => w.ByteCount);
            if (bytes.Length != expected)
                throw new VisageException(SizeMismatch(manifestPath, files, bytes.Length, group.Weights));

            var offset = 0L;
            foreach (var weight in group.Weights)
            {
                if (!seen.Add(weight.Name))
                    throw new VisageException($"{manifestPath}: weight '{weight.Name}' is listed twice");
                tensors.Add(Decode(weight, bytes.AsSpan((int)offset, (int)weight.ByteCount)));
                offset += weight.ByteCount;
            }
        }
        return new TfjsWeights(manifestPath, tensors);
    }

    private static byte[] ReadShards(string manifestPath, List<string> files)
    {
        using var stream = new MemoryStream();
        foreach (var file in files)
        {
            try
            {
                using var input = File.OpenRead(file);
                input.CopyTo(stream);
            }
            catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
            {
                throw new VisageException($"{file}: missing weights file named in {Path.GetFileName(manifestPath)}");
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                throw new VisageException($"{file}: cannot read weights file ({e.Message})");
            }
        }
        return stream.ToArray();
    }

    private static string SizeMismatch(string manifestPath, List<string> files, long actual, List<Weight> weights)
    {
        var expected = weights.Sum(w => w.ByteCount);
        var message = $"{string.Join(" + ", files)}: {actual} bytes, but {Path.GetFileName(manifestPath)} " +
                      $"describes {expected} bytes for its {weights.Count} weights";
        if (actual > expected) return message;
        var end = 0L;
        foreach (var weight in weights)
        {
            end += weight.ByteCount;
            if (end > actual) return $"{message}; the data ends inside weight '{weight.Name}'";
        }
        return message;
    }

    private static TfjsTensor Decode(Weight weight, ReadOnlySpan<byte> bytes)
    {
        var values = new float[weight.ValueCount];
        if (weight.IsInt32)
        {
            var integers = new int[values.Length];
            for (var i = 0; i < values.Length; i++)
            {
                integers[i] = BinaryPrimitives.ReadInt32LittleEndian(bytes.Slice(4 * i, 4));
                values[i] = integers[i];
            }
            return new TfjsTensor(weight.Name, weight.Shape, values) { Integers = integers };
        }
        switch (weight.Quantization)
        {
            case null:
                for (var i = 0; i < values.Length; i++)
                    values[i] = BinaryPrimitives.ReadSingleLittleEndian(bytes.Slice(4 * i, 4));
                break;
            case { Type: "uint8" } q:
                for (var i = 0; i < values.Length; i++)
                    values[i] = (float)(q.Min + q.Scale * bytes[i]);
                break;
            case { Type: "uint16" } q:
                for (var i = 0; i < values.Length; i++)
                    values[i] = (float)(q.Min + q.Scale * BinaryPrimitives.ReadUInt16LittleEndian(bytes.Slice(2 * i, 2)));
                break;
            case { Type: "float16" }:
                for (var i = 0; i < values.Length; i++)
                    values[i] = (float)BinaryPrimitives.ReadHalfLittleEndian(bytes.Slice(2 * i, 2));
                break;
        }
        return new TfjsTensor(weight.Name, weight.Shape, values);
    }

    private static List<Group> ParseGroups(JsonElement root)
    {
        if (root.ValueKind != JsonValueKind.Array) throw new FormatException("the top level is not a list of groups");
        var groups = new List<Group>();
        foreach (var group in root.EnumerateArray())
        {
            var paths = Required(group, "paths").EnumerateArray().Select(p => p.GetString()
                ?? throw new FormatException("a path is null")).ToList();
            if (paths.Count == 0) throw new FormatException("a group names no files");
            var weights = Required(group, "weights").EnumerateArray().Select(ParseWeight).ToList();
            groups.Add(new Group(paths, weights));
        }
        return groups;
    }

    private static Weight ParseWeight(JsonElement entry)
    {
        var name = Required(entry, "name").GetString() ?? throw new FormatException("a weight has no name");
        var shape = Required(entry, "shape").EnumerateArray().Select(d => d.GetInt32()).ToArray();
        if (shape.Any(d => d < 0)) throw new FormatException($"weight '{name}' has a negative dimension");
        var dtype = Required(entry, "dtype").GetString();
        if (dtype is not ("float32" or "int32"))
            throw new FormatException($"weight '{name}' is {dtype}; only float32 and int32 weights are supported");

        Quantization? quantization = null;
        if (entry.TryGetProperty("quantization", out var q) && q.ValueKind != JsonValueKind.Null)
        {
            if (dtype == "int32") throw new FormatException($"weight '{name}' is a quantised int32, which is not supported");
            var type = Required(q, "dtype").GetString();
            quantization = type switch
            {
                "uint8" or "uint16" => new Quantization(type, Required(q, "min").GetDouble(), Required(q, "scale").GetDouble()),
                "float16" => new Quantization(type, 0, 1),
                _ => throw new FormatException($"weight '{name}' is quantised as {type}, which is not supported"),
            };
        }
        return new Weight(name, shape, quantization, dtype == "int32");
    }

    private static JsonElement Required(JsonElement element, string property) =>
        element.ValueKind == JsonValueKind.Object && element.TryGetProperty(property, out var value)
            ? value
            : throw new FormatException($"an entry has no '{property}'");

    private static string Format(IEnumerable<int> shape) => $"[{string.Join(", ", shape)}]";

    private sealed record Group(List<string> Paths, List<Weight> Weights);

    private sealed record Quantization(string Type, double Min, double Scale);

    private sealed record Weight(string Name, int[] Shape, Quantization? Quantization, bool IsInt32)
    {
        public long ValueCount => Shape.Aggregate(1L, (a, b) => a * b);

        public long ByteCount => ValueCount * Quantization switch
        {
            null => 4,
            { Type: "uint8" } => 1,
            _ => 2,
        };
    }
}
