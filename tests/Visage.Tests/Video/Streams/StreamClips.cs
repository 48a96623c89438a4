using OpenCvSharp;
using Visage.Tests.TestData;

namespace Visage.Tests.Video.Streams;

/// <summary>
/// Clips for the stream tests that need no faces: 4 s of plain grey (level 120) at 10 fps, 64x48, as Motion JPEG
/// (what ffmpeg serves as MJPEG) and as H.264 in Matroska (what the GStreamer RTSP server plays).
/// </summary>
public sealed class StreamClips : IDisposable
{
    public const double Grey = 120;
    private readonly TempFolder _folder = new();

    public StreamClips()
    {
        Mjpeg = _folder.File("grey.avi");
        TestVideos.Write(Mjpeg, 10, new Size(64, 48), [new(TestVideos.Plain(Grey), 40)]);
        H264 = _folder.File("grey.mkv");
        FfmpegTool.ToH264(Mjpeg, H264);
    }

    public string Mjpeg { get; }
    public string H264 { get; }

    public void Dispose() => _folder.Dispose();
}
