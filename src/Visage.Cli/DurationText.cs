using System.Globalization;
using System.Text.RegularExpressions;

namespace Visage.Cli;

/// <summary>Durations as options take them: <c>30s</c>, <c>10m</c>, <c>1h</c>, <c>30d</c>, <c>500ms</c>, <c>1m30s</c>, or plain seconds.</summary>
internal static partial class DurationText
{
    [GeneratedRegex(@"^(?:(\d+(?:\.\d+)?)(ms|s|m|h|d))+$|^(\d+(?:\.\d+)?)$", RegexOptions.IgnoreCase)]
    private static partial Regex Shape();

    [GeneratedRegex(@"(\d+(?:\.\d+)?)(ms|s|m|h|d)", RegexOptions.IgnoreCase)]
    private static partial Regex Part();

    public static TimeSpan Parse(string text, string option)
    {
        var trimmed = text.Trim();
        if (!Shape().IsMatch(trimmed))
            throw new UsageException($"{option}: '{text}' is not a duration (use e.g. 30s, 10m, 1h, 30d, or a number of seconds)");
        if (double.TryParse(trimmed, NumberStyles.Float, CultureInfo.InvariantCulture, out var seconds))
            return TimeSpan.FromSeconds(seconds);
        var total = TimeSpan.Zero;
        foreach (Match part in Part().Matches(trimmed))
        {
            var amount = double.Parse(part.Groups[1].Value, CultureInfo.InvariantCulture);
            total += part.Groups[2].Value.ToLowerInvariant() switch
            {
                "ms" => TimeSpan.FromMilliseconds(amount),
                "s" => TimeSpan.FromSeconds(amount),
                "m" => TimeSpan.FromMinutes(amount),
                "h" => TimeSpan.FromHours(amount),
                _ => TimeSpan.FromDays(amount),
            };
        }
        return total;
    }

    /// <summary>A short human form: 600 s as "10m", 90 s as "90s".</summary>
    public static string Format(TimeSpan duration) =>
        duration.TotalHours >= 1 && duration.TotalHours % 1 == 0 ? $"{duration.TotalHours:0}h"
        : duration.TotalMinutes >= 1 && duration.TotalMinutes % 1 == 0 ? $"{duration.TotalMinutes:0}m"
        : $"{duration.TotalSeconds:0.###}s";
}
