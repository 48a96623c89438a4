using OpenCvSharp;

namespace Visage.Video;

/// <summary>
/// One picture from a video source: its number (from 0), when it was taken on the source's clock (a file's
/// own timeline, or the time since a live source was opened), the wall-clock time it was read, and its BGR pixels.
/// </summary>
internal sealed class VideoFrame(long index, TimeSpan position, DateTimeOffset readAt, Mat image) : IDisposable
{
    public long Index => index;
    public TimeSpan Position => position;
    public DateTimeOffset ReadAt => readAt;
    public Mat Image => image;

    /// <summary>A copy with its own pixels, for another thread.</summary>
    public VideoFrame Clone() => new(index, position, readAt, image.Clone());

    public void Dispose() => image.Dispose();
}
