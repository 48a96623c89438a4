namespace Visage.Server.Cameras;

/// <summary>
/// How a camera is doing: <c>state</c> (<c>disabled</c>, <c>stopped</c>, <c>connecting</c>, <c>connected</c>,
/// <c>reconnecting</c>, <c>failed</c>), whether pictures come, frames per second read and recognised (over the last
/// few seconds), frames read, recognised and dropped (read while recognition was busy) since the service started,
/// the last error (one line, password masked), since when the state holds, the picture size, and the greetings and
/// strangers reported since the service started.
/// </summary>
public sealed record CameraStatusJson(
    string State,
    bool Connected,
    double FpsRead,
    double FpsRecognised,
    long FramesRead,
    long FramesRecognised,
    long FramesDropped,
    string? LastError,
    DateTimeOffset? Since,
    int? Width,
    int? Height,
    int Greetings,
    int Unknown)
{
    public static CameraStatusJson Disabled { get; } = new("disabled", false, 0, 0, 0, 0, 0, null, null, null, null, 0, 0);
}
