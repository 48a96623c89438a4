using System.Diagnostics;

namespace Visage.Tests.Video.Streams;

/// <summary>Debian's ffmpeg as the tests use it: to make H.264 clips, publish them live, and serve MJPEG over HTTP.</summary>
internal static class FfmpegTool
{
    private static readonly string[] Quiet = ["-hide_banner", "-nostdin", "-loglevel", "warning"];

    // What IP cameras send: H.264, a key frame every second at 10 fps, no B-frames.
    private static readonly string[] H264 =
        ["-an", "-c:v", "libx264", "-preset", "ultrafast", "-tune", "zerolatency", "-g", "10", "-pix_fmt", "yuv420p"];

    /// <summary>Re-encodes a clip as H.264 in Matroska, the way GStreamer's server takes it.</summary>
    public static void ToH264(string clip, string output)
    {
        var start = new ProcessStartInfo("ffmpeg") { UseShellExecute = false, RedirectStandardError = true };
        foreach (var argument in (string[])[.. Quiet, "-y", "-i", clip, .. H264, output]) start.ArgumentList.Add(argument);
        using var process = Process.Start(start)!;
        var error = process.StandardError.ReadToEnd();
        process.WaitForExit();
        if (process.ExitCode != 0) throw new InvalidOperationException($"ffmpeg could not make {output}: {error}");
    }

    /// <summary>
    /// Pushes the clip, looped, in real time (<c>-re</c>) and as H.264, to an RTSP server's publishing URL, as a
    /// camera feeding a restreaming server does.
    /// </summary>
    public static BackgroundProcess PublishRtsp(string clip, string url) =>
        BackgroundProcess.Start("ffmpeg",
            [.. Quiet, "-re", "-stream_loop", "-1", "-i", clip, .. H264, "-f", "rtsp", "-rtsp_transport", "udp", url]);

    /// <summary>
    /// Serves the clip, looped, in real time, as an MJPEG stream over HTTP to one client (<c>-listen 1</c>): a cheap
    /// camera's <c>video.mjpg</c>. It exits when that client leaves.
    /// </summary>
    public static async Task<BackgroundProcess> ServeMjpegAsync(string clip, int port, string path = "video.mjpg")
    {
        var server = BackgroundProcess.Start("ffmpeg",
            [.. Quiet, "-re", "-stream_loop", "-1", "-i", clip, "-an", "-c:v", "mjpeg", "-q:v", "4", "-f", "mpjpeg",
             "-listen", "1", $"http://127.0.0.1:{port}/{path}"]);
        try
        {
            await LocalPorts.WaitUntilListeningAsync(port, server);
        }
        catch
        {
            server.Dispose();
            throw;
        }
        return server;
    }

    /// <summary>
    /// Cuts the clip, looped, in real time and as H.264, into a live HLS playlist of one-second segments
    /// (<c>FOLDER/door.m3u8</c>, the last four kept), and returns once the playlist lists two.
    /// </summary>
    public static async Task<BackgroundProcess> PublishHlsAsync(string clip, string folder)
    {
        var playlist = Path.Combine(folder, "door.m3u8");
        var publisher = BackgroundProcess.Start("ffmpeg",
            [.. Quiet, "-re", "-stream_loop", "-1", "-i", clip, .. H264, "-f", "hls", "-hls_time", "1",
             "-hls_list_size", "4", "-hls_flags", "delete_segments", playlist]);
        using var limit = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        while (!File.Exists(playlist) || File.ReadAllText(playlist).Split("#EXTINF").Length < 3)
        {
            if (publisher.HasExited || limit.IsCancellationRequested)
            {
                publisher.Dispose();
                throw new InvalidOperationException($"no HLS playlist in {folder}:\n{publisher.Output}");
            }
            await Task.Delay(100);
        }
        return publisher;
    }

    /// <summary>Waits until a client can play the URL (a publisher has started pushing to it).</summary>
    public static async Task WaitUntilPlayableAsync(string url, BackgroundProcess publisher)
    {
        using var limit = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        while (true)
        {
            var start = new ProcessStartInfo("ffprobe") { UseShellExecute = false, RedirectStandardError = true, RedirectStandardOutput = true };
            foreach (var argument in (string[])["-v", "error", "-rtsp_transport", "udp", "-timeout", "5000000", "-show_streams", url])
                start.ArgumentList.Add(argument);
            using var probe = Process.Start(start)!;
            var output = probe.StandardOutput.ReadToEndAsync();
            var error = probe.StandardError.ReadToEndAsync();
            await probe.WaitForExitAsync(limit.Token);
            if (probe.ExitCode == 0 && (await output).Contains("codec_type=video")) return;
            if (publisher.HasExited)
                throw new InvalidOperationException($"the publisher exited:\n{publisher.Output}");
            if (limit.IsCancellationRequested)
                throw new TimeoutException($"{url} is not playable after 60 s: {await error}");
            await Task.Delay(200, limit.Token);
        }
    }
}
