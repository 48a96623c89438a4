namespace Visage.Server.Cameras;

/// <summary>
/// A camera as the API shows it: <c>{"id","name","source","enabled","confirmFrames","windowFrames","cooldownSeconds",
/// "minFaceSize","greetAloud","liveness","rtspTransport","createdAt","status","preview","snapshot"}</c>. <c>source</c>
/// has its password masked (send it back unchanged to keep the password); <c>liveness</c> true checks every face with
/// the liveness network (each event's face carries its <c>liveness</c>, and one that fails is never greeted);
/// <c>preview</c> is the live annotated MJPEG, <c>snapshot</c> its latest picture.
/// </summary>
public sealed record CameraJson(string Id, string Name, string Source, bool Enabled, int ConfirmFrames, int WindowFrames,
    double CooldownSeconds, int MinFaceSize, bool GreetAloud, bool Liveness, Visage.Video.RtspTransport RtspTransport,
    DateTimeOffset CreatedAt, CameraStatusJson Status, string Preview, string Snapshot)
{
    public static CameraJson From(Camera c, CameraStatusJson status) => new(c.Id, c.Name, c.MaskedSource, c.Enabled,
        c.ConfirmFrames, c.WindowFrames, c.Cooldown.TotalSeconds, c.MinFaceSize, c.GreetAloud, c.Liveness, c.RtspTransport,
        c.CreatedAt, status, $"/api/cameras/{c.Id}/preview.mjpg", $"/api/cameras/{c.Id}/snapshot.jpg");
}

/// <summary><c>{"cameras"}</c>.</summary>
public sealed record CamerasJson(IReadOnlyList<CameraJson> Cameras);

/// <summary>
/// A camera to add, or the fields to change (those left out stay as they are): <c>{"name","source","enabled",
/// "confirmFrames","windowFrames","cooldownSeconds","minFaceSize","greetAloud","liveness","rtspTransport"}</c>.
/// </summary>
public sealed record CameraRequest(string? Name, string? Source, bool? Enabled, int? ConfirmFrames, int? WindowFrames,
    double? CooldownSeconds, int? MinFaceSize, bool? GreetAloud, string? RtspTransport, bool? Liveness = null);
