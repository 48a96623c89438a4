using System.Text.Json;
using System.Text.Json.Serialization;

namespace Visage.Models.Quantised;

/// <summary>
/// The activation ranges of one float network (<see cref="ModelSha256"/>: the SHA-256 of the ONNX bytes Visage
/// loads it as), measured on calibration items by <see cref="RangeCalibrator"/>. The files ship inside the
/// library (<c>Models/Quantised/Ranges</c>, a few KB each), so that a user without the calibration photos can
/// quantise; <see cref="MadeWith"/> is the command that measured them again.
/// </summary>
internal sealed record CalibrationRanges(
    string Network,
    string ModelSha256,
    string Source,
    int Items,
    string MadeWith,
    IReadOnlyDictionary<string, TensorRange> Ranges)
{
    private static readonly JsonSerializerOptions Json = new()
    {
        WriteIndented = true,
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals,
    };

    public string FileName => FileNameFor(Network, ModelSha256);

    public static string FileNameFor(string network, string sha256) =>
        $"{new string(network.Select(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' ? c : '_').ToArray())}-{sha256[..16]}.json";

    public string ToJson() => JsonSerializer.Serialize(this, Json);

    public static CalibrationRanges FromJson(string json, string origin) =>
        JsonSerializer.Deserialize<CalibrationRanges>(json, Json) is { Ranges: not null, ModelSha256: not null } ranges
            ? ranges
            : throw new QuantisationException(origin, "not a calibration ranges file");

    /// <summary>The shipped ranges for a network, or null when none were measured for these very bytes.</summary>
    public static CalibrationRanges? Shipped(string network, string sha256)
    {
        var assembly = typeof(CalibrationRanges).Assembly;
        var resource = $"Visage.Models.Quantised.Ranges.{FileNameFor(network, sha256)}";
        using var stream = assembly.GetManifestResourceStream(resource);
        if (stream is null) return null;
        using var reader = new StreamReader(stream);
        var ranges = FromJson(reader.ReadToEnd(), resource);
        return ranges.ModelSha256 == sha256 ? ranges : null;
    }
}
