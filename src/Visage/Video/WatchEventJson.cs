using Visage.Json;

namespace Visage.Video;

/// <summary>
/// One event of the welcome loop, as one JSON line (what an event log appends and a greeting hook reads):
/// <c>{"event":"greeting","time":"...","frame":12,"seconds":1.2,"source":"door.mp4","people":["Ada"],
/// "text":"Welcome Ada, have a nice day.","faces":[{"box":{...},"score":0.99,"person":"Ada","known":true,
/// "distance":0.41,"candidates":[...]}],"snapshot":null,"connection":null}</c>.
/// Faces have the shape of <see cref="IdentifiedFaceJson"/> (no landmarks). A network stream going down or coming
/// back (event <c>disconnected</c>, <c>retrying</c>, <c>reconnected</c>) has no people or faces, the last frame read,
/// and a <see cref="ConnectionJson"/> that says why.
/// </summary>
public sealed record WatchEventJson(
    WatchEventKind Event, DateTimeOffset Time, long Frame, double Seconds, string? Source, IReadOnlyList<string> People,
    string? Text, IReadOnlyList<IdentifiedFaceJson> Faces, string? Snapshot, ConnectionJson? Connection)
{
    public static WatchEventJson From(WatchEvent e) => new(e.Kind, e.Time, e.Frame, Math.Round(e.Position.TotalSeconds, 3),
        e.Source, e.Names, e.Text, e.Faces.Select(Face).ToList(), e.Snapshot,
        e.Connection is { } connection ? ConnectionJson.From(connection) : null);

    public static string Serialize(WatchEvent e) => VisageJson.Serialize(From(e), indented: false);

    /// <summary>A face of a frame in the contract's shape (no landmarks).</summary>
    public static IdentifiedFaceJson Face(RecognizedFace f) => new(
        BoxJson.From(f.Box), MathF.Round(f.Score, 4), null, f.Identity, f.IsKnown,
        float.IsFinite(f.Distance) ? MathF.Round(f.Distance, 4) : null,
        (f.Candidates ?? (f.Nearest is null ? [] : [new Recognition.IdentityDistance(f.Nearest, f.Distance)]))
            .Select(c => new CandidateJson(c.Identity, MathF.Round(c.Distance, 4))).ToList(),
        LivenessJson.From(f.Liveness));
}
