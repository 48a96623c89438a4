using System.Buffers.Binary;
using System.Text;
using System.Text.Json;

namespace Visage.Tests.Tfjs;

/// <summary>How the writer stores float weights in the .bin file.</summary>
public enum WeightStorage
{
    Float32,
    Float16,

    /// <summary>uint8 with a per-weight min and scale: value = min + scale * byte.</summary>
    Uint8,
}

/// <summary>
/// Writes small TensorFlow.js graph models (model.json and one .bin shard) for the converter's op tests,
/// laid out as tfjs-converter lays them out: nodes with TensorFlow attributes, a weight manifest in node order.
/// </summary>
internal sealed class TfjsModelWriter
{
    private readonly List<Dictionary<string, object>> _nodes = [];
    private readonly List<(string Name, int[] Shape, float[]? Floats, int[]? Ints)> _weights = [];

    public string Input(string name, params int[] shape)
    {
        _nodes.Add(new Dictionary<string, object>
        {
            ["name"] = name,
            ["op"] = "Placeholder",
            ["attr"] = new Dictionary<string, object>
            {
                ["dtype"] = new { type = "DT_FLOAT" },
                ["shape"] = new { shape = new { dim = shape.Select(d => new { size = d.ToString() }).ToArray() } },
            },
        });
        return name;
    }

    public string Const(string name, float[] values, params int[] shape)
    {
        AddConst(name, shape, "DT_FLOAT");
        _weights.Add((name, shape, values, null));
        return name;
    }

    public string Ints(string name, int[] values, params int[] shape)
    {
        AddConst(name, shape, "DT_INT32");
        _weights.Add((name, shape, null, values));
        return name;
    }

    public string Op(string op, string name, string[] inputs, Dictionary<string, object>? attributes = null)
    {
        var node = new Dictionary<string, object> { ["name"] = name, ["op"] = op, ["input"] = inputs };
        if (attributes is not null) node["attr"] = attributes;
        _nodes.Add(node);
        return name;
    }

    private void AddConst(string name, int[] shape, string type) =>
        _nodes.Add(new Dictionary<string, object>
        {
            ["name"] = name,
            ["op"] = "Const",
            ["attr"] = new Dictionary<string, object>
            {
                ["dtype"] = new { type },
                ["value"] = new
                {
                    tensor = new { dtype = type, tensorShape = new { dim = shape.Select(d => new { size = d.ToString() }).ToArray() } },
                },
            },
        });

    // TensorFlow's attribute encodings in JSON.
    public static object Text(string value) => new { s = Convert.ToBase64String(Encoding.UTF8.GetBytes(value)) };

    public static object Texts(params string[] values) =>
        new { list = new { s = values.Select(v => Convert.ToBase64String(Encoding.UTF8.GetBytes(v))).ToArray() } };

    public static object IntList(params int[] values) => new { list = new { i = values.Select(v => v.ToString()).ToArray() } };

    public static object Int(int value) => new { i = value.ToString() };

    public static object Flag(bool value) => new { b = value };

    public static object Number(float value) => new { f = value };

    /// <summary>Writes <paramref name="fileName"/> and its .bin into <paramref name="folder"/>; returns the model's path.</summary>
    public string Write(string folder, string fileName = "model.json", WeightStorage storage = WeightStorage.Float32,
        string[]? outputs = null)
    {
        var bin = Path.ChangeExtension(fileName, ".bin");
        using var bytes = new MemoryStream();
        var manifest = new List<object>();
        foreach (var (name, shape, floats, ints) in _weights)
        {
            if (ints is not null)
            {
                foreach (var v in ints) WriteInt(bytes, v);
                manifest.Add(new { name, shape, dtype = "int32" });
                continue;
            }
            var values = floats ?? throw new InvalidOperationException($"{name}: neither floats nor integers");
            switch (storage)
            {
                case WeightStorage.Float32:
                    foreach (var v in values) WriteFloat(bytes, v);
                    manifest.Add(new { name, shape, dtype = "float32" });
                    break;
                case WeightStorage.Float16:
                    foreach (var v in values) WriteHalf(bytes, (Half)v);
                    manifest.Add(new { name, shape, dtype = "float32", quantization = new { dtype = "float16" } });
                    break;
                case WeightStorage.Uint8:
                    var min = values.Min();
                    var scale = Math.Max(values.Max() - min, 1e-6f) / 255f;
                    foreach (var v in values) bytes.WriteByte((byte)Math.Round((v - min) / scale));
                    manifest.Add(new { name, shape, dtype = "float32", quantization = new { dtype = "uint8", min, scale } });
                    break;
            }
        }
        File.WriteAllBytes(Path.Combine(folder, bin), bytes.ToArray());

        var model = new Dictionary<string, object>
        {
            ["format"] = "graph-model",
            ["generatedBy"] = "Visage tests",
            ["convertedBy"] = "Visage tests",
            ["modelTopology"] = new { node = _nodes },
            ["weightsManifest"] = new[] { new { paths = new[] { bin }, weights = manifest } },
        };
        if (outputs is not null)
            model["signature"] = new { outputs = outputs.ToDictionary(o => o, o => new { name = $"{o}:0" }) };
        var path = Path.Combine(folder, fileName);
        File.WriteAllText(path, JsonSerializer.Serialize(model));
        return path;
    }

    private static void WriteFloat(Stream s, float v)
    {
        Span<byte> b = stackalloc byte[4];
        BinaryPrimitives.WriteSingleLittleEndian(b, v);
        s.Write(b);
    }

    private static void WriteInt(Stream s, int v)
    {
        Span<byte> b = stackalloc byte[4];
        BinaryPrimitives.WriteInt32LittleEndian(b, v);
        s.Write(b);
    }

    private static void WriteHalf(Stream s, Half v)
    {
        Span<byte> b = stackalloc byte[2];
        BinaryPrimitives.WriteHalfLittleEndian(b, v);
        s.Write(b);
    }
}
