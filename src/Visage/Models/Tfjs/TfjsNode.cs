using System.Text;
using System.Text.Json;

namespace Visage.Models.Tfjs;

/// <summary>
/// One node of a TensorFlow.js graph model's topology: its op, the tensors it reads (<c>node</c> or
/// <c>node:k</c> for a node's k-th output) and its attributes as TensorFlow writes them in JSON.
/// </summary>
internal sealed record TfjsNode(string Name, string Op, IReadOnlyList<string> Inputs, JsonElement Attributes)
{
    public bool Has(string attribute) =>
        Attributes.ValueKind == JsonValueKind.Object && Attributes.TryGetProperty(attribute, out _);

    /// <summary>A string attribute (TensorFlow stores them base64-encoded), or the fallback when absent.</summary>
    public string Text(string attribute, string fallback = "") =>
        Attribute(attribute) is { } a && a.TryGetProperty("s", out var s)
            ? Encoding.UTF8.GetString(Convert.FromBase64String(s.GetString() ?? ""))
            : fallback;

    public IReadOnlyList<string> Texts(string attribute) =>
        Attribute(attribute) is { } a && a.TryGetProperty("list", out var list) && list.TryGetProperty("s", out var s)
            ? s.EnumerateArray().Select(e => Encoding.UTF8.GetString(Convert.FromBase64String(e.GetString() ?? ""))).ToList()
            : [];

    public IReadOnlyList<long> Integers(string attribute) =>
        Attribute(attribute) is { } a && a.TryGetProperty("list", out var list) && list.TryGetProperty("i", out var i)
            ? i.EnumerateArray().Select(ReadLong).ToList()
            : [];

    public long Integer(string attribute, long fallback = 0) =>
        Attribute(attribute) is { } a && a.TryGetProperty("i", out var i) ? ReadLong(i) : fallback;

    public float Number(string attribute, float fallback = 0) =>
        Attribute(attribute) is { } a && a.TryGetProperty("f", out var f) ? ReadFloat(f) : fallback;

    /// <summary>A type attribute (<c>DT_FLOAT</c>, <c>DT_INT32</c>, ...), or null when absent.</summary>
    public string? Type(string attribute) =>
        Attribute(attribute) is { } a && a.TryGetProperty("type", out var t) ? t.GetString() : null;

    public bool Flag(string attribute, bool fallback = false) =>
        Attribute(attribute) is { } a && a.TryGetProperty("b", out var b) ? b.GetBoolean() : fallback;

    /// <summary>The dimensions of a shape attribute (a Placeholder's <c>shape</c>); -1 where unknown.</summary>
    public IReadOnlyList<long>? Shape(string attribute)
    {
        if (Attribute(attribute) is not { } a || !a.TryGetProperty("shape", out var shape)) return null;
        if (!shape.TryGetProperty("dim", out var dims)) return [];
        return dims.EnumerateArray()
            .Select(d => d.TryGetProperty("size", out var size) ? ReadLong(size) : -1)
            .ToList();
    }

    private JsonElement? Attribute(string name) =>
        Attributes.ValueKind == JsonValueKind.Object && Attributes.TryGetProperty(name, out var value) ? value : null;

    // Protobuf's JSON writes 64-bit integers as strings and may write floats as strings too ("NaN", "Infinity").
    private static long ReadLong(JsonElement e) =>
        e.ValueKind == JsonValueKind.String ? long.Parse(e.GetString()!, System.Globalization.CultureInfo.InvariantCulture) : e.GetInt64();

    private static float ReadFloat(JsonElement e) =>
        e.ValueKind == JsonValueKind.String ? float.Parse(e.GetString()!, System.Globalization.CultureInfo.InvariantCulture) : e.GetSingle();
}
