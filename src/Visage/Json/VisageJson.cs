using System.Text.Json;
using System.Text.Json.Serialization;

namespace Visage.Json;

/// <summary>
/// The one JSON contract of every command, event and HTTP response: camelCase field names, the same name for
/// the same thing everywhere (see README, "The JSON contract"), enumerations as lowercase snake_case words,
/// distances and pixels as numbers, times as ISO 8601 with offset.
/// </summary>
public static class VisageJson
{
    /// <summary>Indented, for a person reading a command's output.</summary>
    public static JsonSerializerOptions Indented { get; } = Create(indented: true);

    /// <summary>One line, for event logs, hooks and HTTP.</summary>
    public static JsonSerializerOptions Compact { get; } = Create(indented: false);

    public static string Serialize<T>(T value, bool indented = true) =>
        JsonSerializer.Serialize(value, indented ? Indented : Compact);

    /// <summary>Applies the contract's settings to options owned by a host (ASP.NET Core's, say).</summary>
    public static void Configure(JsonSerializerOptions options)
    {
        options.PropertyNamingPolicy = JsonNamingPolicy.CamelCase;
        options.DefaultIgnoreCondition = JsonIgnoreCondition.Never;
        options.NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals;
        options.Converters.Add(new JsonStringEnumConverter(JsonNamingPolicy.SnakeCaseLower));
    }

    private static JsonSerializerOptions Create(bool indented)
    {
        var options = new JsonSerializerOptions { WriteIndented = indented };
        Configure(options);
        return options;
    }
}
