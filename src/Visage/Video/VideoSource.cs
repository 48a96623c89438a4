namespace Visage.Video;

/// <summary>Where frames come from: a camera by index, a video file, or a network stream.</summary>
public abstract record VideoSource
{
    public sealed record Camera(int Index) : VideoSource
    {
        public override string ToString() => $"camera {Index}";
    }

    public sealed record File(string Path) : VideoSource
    {
        public override string ToString() => Path;
    }

    /// <summary>
    /// A network stream: rtsp://, rtsps://, or http(s):// serving MJPEG or HLS. <see cref="ToString"/> masks the
    /// password and secret query parameters; only <see cref="Address"/> holds them.
    /// </summary>
    public sealed record Url(string Address) : VideoSource
    {
        public override string ToString() => StreamAddress.Masked(Address);
    }

    /// <summary>A camera or a stream: frames come in real time and the clock is the wall clock.</summary>
    public bool IsLive => this is not File;
}
