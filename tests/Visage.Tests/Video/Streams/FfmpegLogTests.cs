using OpenCvSharp;
using Visage.Video;

namespace Visage.Tests.Video.Streams;

/// <summary>
/// Reading ffmpeg's standard error: lines as Debian's ffmpeg 5.1 writes them with <c>-loglevel level+info</c>
/// (copied from real runs against the test servers).
/// </summary>
public sealed class FfmpegLogTests
{
    private const string Address = "rtsp://viewer:s3cret@127.0.0.1:8554/door";

    private static FfmpegLog Log(params string[] lines)
    {
        var log = new FfmpegLog(Address);
        foreach (var line in lines) log.Add(line);
        return log;
    }

    [Fact]
    public async Task The_output_size_and_the_inputs_frame_rate_are_read_from_the_stream_descriptions()
    {
        var log = Log(
            "[info] Input #0, rtsp, from 'rtsp://viewer:s3cret@127.0.0.1:8554/door':",
            "[info]   Duration: N/A, start: 0.100000, bitrate: N/A",
            "[info]   Stream #0:0: Video: h264 (Constrained Baseline), yuv420p(progressive), 256x256 [SAR 1:1 DAR 1:1], 12.5 fps, 25 tbr, 90k tbn",
            "[info] Stream mapping:",
            "[info] Output #0, rawvideo, to 'pipe:1':",
            "[info]   Stream #0:0: Video: rawvideo (BGR[24] / 0x18524742), bgr24(pc, gbr/unknown/unknown, progressive), 256x192 [SAR 1:1 DAR 4:3], q=2-31, 15728 kb/s, 10 fps, 10 tbn");

        Assert.True(log.InputOpened);
        Assert.Equal(12.5, log.InputFps);
        Assert.Equal(new Size(256, 192), await log.OutputSize);
    }

    [Fact]
    public async Task A_stream_that_only_states_tbr_uses_it_and_an_early_end_leaves_no_size()
    {
        var log = Log(
            "[info] Input #0, mpjpeg, from 'http://127.0.0.1:8080/cam.mjpg':",
            "[info]   Stream #0:0: Video: mjpeg (Baseline), yuvj420p(pc, bt470bg/unknown/unknown), 256x256 [SAR 1:1 DAR 1:1], 25 tbr, 25 tbn");
        log.Completed();

        Assert.Equal(25, log.InputFps);
        Assert.Null(await log.OutputSize);
    }

    [Theory]
    [InlineData("[rtsp @ 0x55] [error] method DESCRIBE failed: 401 Unauthorized",
        "the user name or password was refused (method DESCRIBE failed: 401 Unauthorized)")]
    [InlineData("[rtsp @ 0x55] [error] method DESCRIBE failed: 404 Not Found",
        "no such stream on the server (check the path) (method DESCRIBE failed: 404 Not Found)")]
    [InlineData("[tcp @ 0x56] [error] Connection to tcp://127.0.0.1:8554?timeout=0 failed: Connection refused\n" +
                "[error] rtsp://viewer:s3cret@127.0.0.1:8554/door: Connection refused",
        "connection refused: nothing is listening at 127.0.0.1:8554")]
    [InlineData("[error] rtsp://viewer:s3cret@127.0.0.1:8554/door: Invalid data found when processing input",
        "not a video stream (ffmpeg found no video in what the server sent) (Invalid data found when processing input)")]
    [InlineData("[error] rtsp://viewer:s3cret@127.0.0.1:8554/door: Server returned 400 Bad Request",
        "the server refused RTSP over TCP (try the other transport) (Server returned 400 Bad Request)")]
    [InlineData("[error] Something nobody expected happened",
        "Something nobody expected happened")]
    public void Errors_are_explained_in_plain_words_with_ffmpegs_own_beside_them(string lines, string explained)
    {
        Assert.Equal(explained, Log(lines.Split('\n')).Explain(1, RtspTransport.Tcp));
    }

    [Fact]
    public void A_refusal_without_credentials_says_how_to_give_them_and_nothing_logged_holds_the_password()
    {
        var log = new FfmpegLog("rtsp://127.0.0.1:8554/door");
        log.Add("[error] rtsp://127.0.0.1:8554/door: Server returned 401 Unauthorized (authorization failed)");
        Assert.StartsWith("the server asks for a user name and password", log.Explain(1, RtspTransport.Tcp));

        var withPassword = Log("[error] rtsp://viewer:s3cret@127.0.0.1:8554/door: Server returned 401 Unauthorized (authorization failed)");
        Assert.DoesNotContain("s3cret", string.Join('\n', withPassword.Problems));
        Assert.DoesNotContain("s3cret", withPassword.Explain(1, RtspTransport.Tcp));
    }

    [Fact]
    public void Warnings_and_information_are_not_problems_and_an_empty_log_names_the_exit_status()
    {
        var log = Log("[warning] rtsp://x: corrupt decoded frame in stream 0", "[info] frame=    3 fps=0.0");

        Assert.Empty(log.Problems);
        Assert.Equal("ffmpeg exited with status 1", log.Explain(1, RtspTransport.Udp));
    }
}
