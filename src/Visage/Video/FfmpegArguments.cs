using System.Globalization;

namespace Visage.Video;

/// <summary>
/// The ffmpeg command line that reads a network stream and writes its video, decoded, as raw BGR frames of one
/// size (ffmpeg scales later pictures to the first one's size) on standard output, every decoded frame once.
/// </summary>
internal static class FfmpegArguments
{
    public static IReadOnlyList<string> For(string address, VideoInputOptions options)
    {
        // ffmpeg's own socket timeout is only a backstop: the caller's watchdog gives up first, at the open or
        // stall timeout, and says which.
        var socketTimeout = Microseconds(Max(options.OpenTimeout, options.StallTimeout) + TimeSpan.FromSeconds(5));
        var arguments = new List<string> { "-hide_banner", "-nostdin", "-nostats", "-loglevel", "level+info" };
        if (StreamAddress.IsRtsp(address))
            arguments.AddRange(["-rtsp_transport", options.RtspTransport == RtspTransport.Udp ? "udp" : "tcp", "-timeout", socketTimeout]);
        else
            arguments.AddRange(["-rw_timeout", socketTimeout]);
        arguments.AddRange(
        [
            // Start from the newest pictures rather than buffering while probing, and drop packets known corrupt.
            "-fflags", "nobuffer+discardcorrupt",
            "-i", address,
            "-map", "0:v:0", "-an", "-sn", "-dn",
            "-fps_mode", "passthrough",
            "-f", "rawvideo", "-pix_fmt", "bgr24", "pipe:1",
        ]);
        return arguments;
    }

    private static TimeSpan Max(TimeSpan a, TimeSpan b) => a > b ? a : b;

    private static string Microseconds(TimeSpan span) =>
        ((long)Math.Min(span.TotalMicroseconds, long.MaxValue / 2)).ToString(CultureInfo.InvariantCulture);
}
