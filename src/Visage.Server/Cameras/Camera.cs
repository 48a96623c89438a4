using Visage.Video;

namespace Visage.Server.Cameras;

/// <summary>
/// A camera of the service, as stored: its source (an rtsp://, rtsps:// or http(s):// address, a local camera's
/// index, or a video file on the server), its greeting vote (<see cref="ConfirmFrames"/> of the last
/// <see cref="WindowFrames"/>, then <see cref="Cooldown"/>), the smallest face it looks at, and whether the server
/// says the greetings aloud, and whether each face must pass the liveness check (<see cref="Liveness"/>: a photo held
/// up is never greeted). <see cref="Source"/> holds the password; only <see cref="MaskedSource"/> is ever shown.
/// </summary>
public sealed record Camera(
    string Id,
    string Name,
    string Source,
    bool Enabled,
    int ConfirmFrames,
    int WindowFrames,
    TimeSpan Cooldown,
    int MinFaceSize,
    bool GreetAloud,
    RtspTransport RtspTransport,
    DateTimeOffset CreatedAt,
    bool Liveness = false)
{
    public VideoSource VideoSource => Parse(Source);

    public string MaskedSource => VideoSource.ToString();

    /// <summary>A network address, a camera index ("0"), or a file path.</summary>
    public static VideoSource Parse(string source) =>
        int.TryParse(source, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var index)
            ? new VideoSource.Camera(index)
            : source.Contains("://", StringComparison.Ordinal) ? new VideoSource.Url(source)
            : new VideoSource.File(source);
}
