using System.Text.Json;
using System.Text.Json.Serialization;

namespace Visage.Video;

/// <summary>
/// The JSON form of an event, one line: what <c>--events</c> appends and <c>--on-greet</c> hooks read.
/// <c>{"event":"greeting","time":"...","frame":12,"seconds":1.2,"source":"door.mp4","names":["Ada"],
/// "text":"Welcome Ada, have a nice day.","faces":[{"name":"Ada","nearest":"Ada","distance":0.61,
/// "box":{"x":..,"y":..,"width":..,"height":..}}],"snapshot":null}</c>. A network stream going down or coming
/// back is the same shape with no names or faces (the frame is the last one read) and says why:
/// <c>"event":"disconnected","reason":"stalled","error":"no picture for 10 s"</c>;
/// <c>"event":"retrying","attempt":2,"error":"connection refused: ...","retryInSeconds":4</c>;
/// <c>"event":"reconnected","attempt":3,"downSeconds":12.5</c>.
/// </summary>
public static class WatchEventJson
{
    private static readonly JsonSerializerOptions Options = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        WriteIndented = false,
    };

    private sealed record BoxJson(float X, float Y, float Width, float Height);

    private sealed record FaceJson(string? Name, string? Nearest, float? Distance, BoxJson Box);

    private sealed record EventJson(
        string Event, DateTimeOffset Time, long Frame, double Seconds,
        [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? Source,
        IReadOnlyList<string> Names, string? Text, IReadOnlyList<FaceJson> Faces, string? Snapshot,
        [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? Reason,
        [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? Error,
        [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] int? Attempt,
        [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] double? RetryInSeconds,
        [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] double? DownSeconds);

    public static string Serialize(WatchEvent e)
    {
        var connection = e.Connection;
        return JsonSerializer.Serialize(
            new EventJson(
                e.Kind switch
                {
                    WatchEventKind.Greeting => "greeting",
                    WatchEventKind.Disconnected => "disconnected",
                    WatchEventKind.Retrying => "retrying",
                    WatchEventKind.Reconnected => "reconnected",
                    _ => "recognition",
                },
                e.Time, e.Frame, Math.Round(e.Position.TotalSeconds, 3), e.Source, e.Names, e.Text,
                e.Faces.Select(f => new FaceJson(f.Identity, f.Nearest,
                    float.IsFinite(f.Distance) ? MathF.Round(f.Distance, 4) : null,
                    new BoxJson(MathF.Round(f.Box.X, 1), MathF.Round(f.Box.Y, 1), MathF.Round(f.Box.Width, 1),
                        MathF.Round(f.Box.Height, 1)))).ToList(),
                e.Snapshot,
                connection?.Reason?.ToString().ToLowerInvariant(),
                connection is { Kind: not ConnectionEventKind.Reconnected } ? connection.Message : null,
                connection?.Attempt is > 0 ? connection.Attempt : null,
                connection?.RetryIn is { } retry ? Math.Round(retry.TotalSeconds, 3) : null,
                connection?.Downtime is { } down ? Math.Round(down.TotalSeconds, 3) : null),
            Options);
    }
}
