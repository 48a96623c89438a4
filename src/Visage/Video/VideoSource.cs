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

    public sealed record Url(string Address) : VideoSource
    {
        public override string ToString() => Address;
    }

    /// <summary>A camera or a stream: frames come in real time and the clock is the wall clock.</summary>
    public bool IsLive => this is not File;
}
