using System.Text.Json;
using System.Text.Json.Serialization;

namespace Visage.Video;

/// <summary>
/// The JSON form of an event, one line: what <c>--events</c> appends and <c>--on-greet</c> hooks read.
/// <c>{"event":"greeting","time":"...","frame":12,"seconds":1.2,"names":["Ada"],"text":"Welcome Ada, have a nice day.",
/// "faces":[{"name":"Ada","nearest":"Ada","distance":0.61,"box":{"x":..,"y":..,"width":..,"height":..}}],"snapshot":null}</c>
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
        string Event, DateTimeOffset Time, long Frame, double Seconds, IReadOnlyList<string> Names, string? Text,
        IReadOnlyList<FaceJson> Faces, string? Snapshot);

    public static string Serialize(WatchEvent e) => JsonSerializer.Serialize(
        new EventJson(
            e.Kind switch
            {
                WatchEventKind.Greeting => "greeting",
                _ => "recognition",
            },
            e.Time, e.Frame, Math.Round(e.Position.TotalSeconds, 3), e.Names, e.Text,
            e.Faces.Select(f => new FaceJson(f.Identity, f.Nearest,
                float.IsFinite(f.Distance) ? MathF.Round(f.Distance, 4) : null,
                new BoxJson(MathF.Round(f.Box.X, 1), MathF.Round(f.Box.Y, 1), MathF.Round(f.Box.Width, 1),
                    MathF.Round(f.Box.Height, 1)))).ToList(),
            e.Snapshot),
        Options);
}
