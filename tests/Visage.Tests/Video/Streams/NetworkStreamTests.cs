using OpenCvSharp;
using Visage.Video;

namespace Visage.Tests.Video.Streams;

/// <summary>
/// Network streams read through ffmpeg from real servers on loopback (ffmpeg serving MJPEG over HTTP, GStreamer's
/// RTSP server, raw TCP servers that are not cameras): the pictures arrive, a source that cannot be used is a
/// one-line error saying why (never with its password), and a stream that goes down once it has worked is
/// reopened, with every failure along the way reported as an event.
/// </summary>
public sealed class NetworkStreamTests(StreamClips clips) : IClassFixture<StreamClips>
{
    private const string Password = "s3cret-Pw";

    // Short retry delays keep the tests quick; the open and stall timeouts leave a busy machine room to run ffmpeg.
    private static readonly VideoInputOptions Options = new()
    {
        OpenTimeout = TimeSpan.FromSeconds(8),
        StallTimeout = TimeSpan.FromSeconds(5),
        FirstRetryDelay = TimeSpan.FromMilliseconds(100),
        MaxRetryDelay = TimeSpan.FromMilliseconds(500),
    };

    private static Task<VideoInput> OpenAsync(string url, VideoInputOptions? options = null) =>
        VideoInput.OpenAsync(new VideoSource.Url(url), options ?? Options);

    /// <summary>The next frame; a network stream never ends, so a stream that broke fails the test here rather than hanging it.</summary>
    private static VideoFrame ReadOne(VideoInput input)
    {
        using var guard = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        return input.Read(guard.Token) ?? throw new InvalidOperationException("a network stream ended");
    }

    private static void AssertPlainGrey(IEnumerable<(long Index, double Grey)> frames) =>
        Assert.All(frames, f => Assert.InRange(f.Grey, StreamClips.Grey - 8, StreamClips.Grey + 8));

    [Fact]
    public async Task Mjpeg_over_http_is_read_picture_by_picture_as_a_live_source()
    {
        var port = LocalPorts.Free();
        using var server = await FfmpegTool.ServeMjpegAsync(clips.Mjpeg, port);

        using var input = await OpenAsync($"http://127.0.0.1:{port}/video.mjpg");
        var frames = new List<VideoFrame>();
        for (var i = 0; i < 15; i++) frames.Add(ReadOne(input));

        Assert.True(input.IsLive);
        Assert.True(input.IsConnected);
        Assert.Equal(new Size(64, 48), input.FrameSize);
        Assert.Equal(Enumerable.Range(0, 15).Select(i => (long)i), frames.Select(f => f.Index));
        Assert.All(frames, f => Assert.Equal(new Size(64, 48), f.Image.Size()));
        AssertPlainGrey(frames.Select(f => (f.Index, Cv2.Mean(f.Image).Val0)));
        Assert.Equal(frames.Select(f => f.Position).Order(), frames.Select(f => f.Position));
        foreach (var frame in frames) frame.Dispose();
    }

    [Fact]
    public async Task A_live_hls_playlist_over_http_is_read()
    {
        using var folder = new Visage.Tests.TestData.TempFolder();
        using var publisher = await FfmpegTool.PublishHlsAsync(clips.Mjpeg, folder.Path);
        var port = LocalPorts.Free();
        // Any web server will do for HLS: Python's own, as Debian ships it.
        using var web = BackgroundProcess.Start(File.Exists("/usr/bin/python3") ? "/usr/bin/python3" : "python3",
            "-m", "http.server", "--bind", "127.0.0.1", port.ToString(), "--directory", folder.Path);
        await LocalPorts.WaitUntilListeningAsync(port, web);

        using var input = await OpenAsync($"http://127.0.0.1:{port}/door.m3u8");
        var frames = new List<(long, double)>();
        for (var i = 0; i < 10; i++)
        {
            using var frame = ReadOne(input);
            frames.Add((frame.Index, Cv2.Mean(frame.Image).Val0));
        }

        Assert.Equal(new Size(64, 48), input.FrameSize);
        AssertPlainGrey(frames);
    }

    [Theory]
    [InlineData(RtspTransport.Tcp)]
    [InlineData(RtspTransport.Udp)]
    public async Task Rtsp_is_read_over_either_transport_with_the_right_password(RtspTransport transport)
    {
        using var server = await GstRtspServer.StartAsync(clips.H264, "viewer", Password);

        using var input = await OpenAsync(server.Url("viewer", Password), Options with { RtspTransport = transport });
        var frames = new List<(long, double)>();
        for (var i = 0; i < 10; i++)
        {
            using var frame = ReadOne(input);
            frames.Add((frame.Index, Cv2.Mean(frame.Image).Val0));
        }

        Assert.Equal(new Size(64, 48), input.FrameSize);
        Assert.Equal(10, input.Fps, 1);
        AssertPlainGrey(frames);
        Assert.Equal($"rtsp://viewer:***@127.0.0.1:{server.Port}/door", input.Source.ToString());
    }

    [Fact]
    public async Task Rtsps_is_read_over_tls_with_the_password_masked()
    {
        using var server = await GstRtspServer.StartAsync(clips.H264, "viewer", Password, tls: true);

        using var input = await OpenAsync(server.Url("viewer", Password));
        using var frame = ReadOne(input);

        Assert.StartsWith("rtsps://", server.Url());
        Assert.Equal(new Size(64, 48), frame.Image.Size());
        AssertPlainGrey([(frame.Index, Cv2.Mean(frame.Image).Val0)]);
        Assert.Equal($"rtsps://viewer:***@127.0.0.1:{server.Port}/door", input.Source.ToString());
    }

    [Fact]
    public async Task A_wrong_password_is_refused_at_open_naming_the_account_but_never_the_password()
    {
        using var server = await GstRtspServer.StartAsync(clips.H264, "viewer", "the-right-one");

        var error = await Assert.ThrowsAsync<VideoException>(() => OpenAsync(server.Url("viewer", Password)));

        Assert.StartsWith($"rtsp://viewer:***@127.0.0.1:{server.Port}/door: the user name or password was refused", error.Message);
        Assert.Contains("401", error.Message);
        Assert.DoesNotContain(Password, error.Message);
        Assert.DoesNotContain('\n', error.Message);
    }

    [Fact]
    public async Task A_server_that_asks_for_a_password_and_gets_none_says_how_to_give_one()
    {
        using var server = await GstRtspServer.StartAsync(clips.H264, "viewer", Password);

        var error = await Assert.ThrowsAsync<VideoException>(() => OpenAsync(server.Url()));

        Assert.Contains("asks for a user name and password", error.Message);
    }

    [Theory]
    [InlineData("rtsp")]
    [InlineData("http")]
    public async Task Nothing_listening_is_a_refused_connection(string scheme)
    {
        var port = LocalPorts.Free();

        var error = await Assert.ThrowsAsync<VideoException>(() => OpenAsync($"{scheme}://user:{Password}@127.0.0.1:{port}/door"));

        Assert.Equal($"{scheme}://user:***@127.0.0.1:{port}/door: connection refused: nothing is listening at 127.0.0.1:{port}",
            error.Message);
    }

    [Theory]
    [InlineData("rtsp")]
    [InlineData("http")]
    public async Task Garbage_bytes_are_not_a_video_stream(string scheme)
    {
        using var server = RawTcpServer.Garbage();

        var error = await Assert.ThrowsAsync<VideoException>(() => OpenAsync($"{scheme}://127.0.0.1:{server.Port}/door"));

        Assert.StartsWith($"{scheme}://127.0.0.1:{server.Port}/door: not a video stream", error.Message);
        Assert.DoesNotContain('\n', error.Message);
    }

    [Fact]
    public async Task A_host_that_never_answers_is_given_up_on_at_the_open_timeout()
    {
        using var server = RawTcpServer.Silent();

        var error = await Assert.ThrowsAsync<VideoException>(() =>
            OpenAsync($"rtsp://127.0.0.1:{server.Port}/door", Options with { OpenTimeout = TimeSpan.FromSeconds(2) }));

        Assert.Equal($"rtsp://127.0.0.1:{server.Port}/door: no answer within 2 s (unreachable, or not a video stream)",
            error.Message);
    }

    [Fact]
    public async Task Without_ffmpeg_the_error_says_what_to_install()
    {
        var error = await Assert.ThrowsAsync<VideoException>(() =>
            OpenAsync("rtsp://127.0.0.1:9/door", Options with { Ffmpeg = "/nonexistent/ffmpeg" }));

        Assert.Contains("/nonexistent/ffmpeg could not be started", error.Message);
        Assert.Contains("apt-get install ffmpeg", error.Message);
    }

    [Fact]
    public async Task A_stream_that_goes_down_is_reopened_and_each_failure_on_the_way_is_an_event()
    {
        var port = LocalPorts.Free();
        var url = $"http://cam:{Password}@127.0.0.1:{port}/video.mjpg";
        var server = await FfmpegTool.ServeMjpegAsync(clips.Mjpeg, port);
        using var input = await OpenAsync(url);
        await using var recorder = new InputRecorder(input);
        await recorder.WaitForFramesAsync(5);

        // The camera goes away: nothing listens.
        var start = recorder.Events.Count;
        server.Dispose();
        var down = await recorder.WaitForAsync(e => e.Kind == ConnectionEventKind.Disconnected, start);
        var refused = await recorder.WaitForAsync(e => e.Kind == ConnectionEventKind.Retrying && e.Message.StartsWith("connection refused"), start);
        // Something else answers on its port: garbage, then silence.
        using (RawTcpServer.Garbage(port))
            await recorder.WaitForAsync(e => e.Kind == ConnectionEventKind.Retrying && e.Message.StartsWith("not a video stream"), start);
        using (RawTcpServer.Silent(port))
            await recorder.WaitForAsync(e => e.Kind == ConnectionEventKind.Retrying && e.Message.StartsWith("no answer within"), start);
        // The camera comes back.
        var framesBefore = recorder.Frames.Count;
        var eventsBefore = recorder.Events.Count;
        using var back = await FfmpegTool.ServeMjpegAsync(clips.Mjpeg, port);
        var reconnected = await recorder.WaitForAsync(e => e.Kind == ConnectionEventKind.Reconnected, eventsBefore);
        await recorder.WaitForFramesAsync(framesBefore + 5);

        // The server went away mid-stream: an end or a broken connection, depending on when ffmpeg noticed.
        Assert.Contains(down.Reason, new DisconnectReason?[] { DisconnectReason.Ended, DisconnectReason.Failed });
        Assert.Equal($"http://cam:***@127.0.0.1:{port}/video.mjpg", down.Source);
        Assert.Equal($"connection refused: nothing is listening at 127.0.0.1:{port}", refused.Message);
        // One outage: down, failed attempts counting up, back (a machine busy enough to stall the stream again
        // afterwards may add another, which is not this test's business).
        var events = recorder.Events.Skip(start).ToList();
        var outage = events.TakeWhile(e => e.Kind != ConnectionEventKind.Reconnected).ToList();
        Assert.Equal(down, outage[0]);
        Assert.All(outage.Skip(1), e => Assert.Equal(ConnectionEventKind.Retrying, e.Kind));
        Assert.Equal(reconnected, events[outage.Count]);
        // The reconnection says how many attempts it took and how long the stream was down.
        var attempts = outage.Skip(1).Select(e => e.Attempt).ToList();
        Assert.Equal(Enumerable.Range(1, attempts.Count), attempts);
        Assert.Equal(attempts.Count + 1, reconnected.Attempt);
        Assert.True(reconnected.Downtime > TimeSpan.Zero);
        Assert.All(outage.Skip(1), e => Assert.InRange(e.RetryIn!.Value,
            TimeSpan.Zero, Options.MaxRetryDelay));
        // Frames go on being numbered across the outage, and no message or event holds the password.
        var numbers = recorder.Frames.Select(f => f.Index).ToList();
        Assert.Equal(Enumerable.Range(0, numbers.Count).Select(i => (long)i), numbers);
        AssertPlainGrey(recorder.Frames);
        Assert.DoesNotContain(events, e => e.Message.Contains(Password) || e.Source.Contains(Password));
        Assert.True(input.Disconnections >= 1);
        Assert.True(input.Reconnections >= 1);
    }

    [Fact]
    public async Task A_stream_that_stalls_is_dropped_after_the_stall_timeout_and_reopened()
    {
        var port = LocalPorts.Free();
        using var server = await FfmpegTool.ServeMjpegAsync(clips.Mjpeg, port);
        using var input = await OpenAsync($"http://127.0.0.1:{port}/video.mjpg", Options with { StallTimeout = TimeSpan.FromSeconds(2) });
        await using var recorder = new InputRecorder(input);
        await recorder.WaitForFramesAsync(5);

        // A frozen camera: the connection stays open and nothing comes.
        var start = recorder.Events.Count;
        server.Pause();
        var stalled = await recorder.WaitForAsync(e => e.Kind == ConnectionEventKind.Disconnected, start);
        server.Kill();
        using var back = await FfmpegTool.ServeMjpegAsync(clips.Mjpeg, port);
        await recorder.WaitForAsync(e => e.Kind == ConnectionEventKind.Reconnected, start);
        var frames = recorder.Frames.Count;
        await recorder.WaitForFramesAsync(frames + 5);

        Assert.Equal(DisconnectReason.Stalled, stalled.Reason);
        Assert.Equal("no picture for 2 s", stalled.Message);
        Assert.True(input.IsConnected);
    }

    [Fact]
    public async Task A_reader_that_pauses_longer_than_the_stall_timeout_does_not_make_the_stream_stall()
    {
        var port = LocalPorts.Free();
        using var server = await FfmpegTool.ServeMjpegAsync(clips.Mjpeg, port);
        using var input = await OpenAsync($"http://127.0.0.1:{port}/video.mjpg", Options with { StallTimeout = TimeSpan.FromSeconds(1) });
        var events = new List<ConnectionEvent>();
        input.ConnectionChanged += events.Add;

        // As watch does: open the stream, then spend a while loading models before reading on.
        await Task.Delay(TimeSpan.FromSeconds(3));
        for (var i = 0; i < 10; i++) ReadOne(input).Dispose();

        Assert.Empty(events);
        Assert.Equal(0, input.Disconnections);
    }

    [Fact]
    public async Task A_password_that_stops_working_after_the_start_is_reported_at_each_attempt_and_not_fatal()
    {
        var port = LocalPorts.Free();
        var server = await GstRtspServer.StartAsync(clips.H264, "viewer", Password, port);
        using var input = await OpenAsync(server.Url("viewer", Password));
        await using var recorder = new InputRecorder(input);
        await recorder.WaitForFramesAsync(5);

        // The camera restarts with another password.
        server.Dispose();
        using (await GstRtspServer.StartAsync(clips.H264, "viewer", "changed", port))
        {
            var refused = await recorder.WaitForAsync(e => e.Kind == ConnectionEventKind.Retrying
                                                           && e.Message.StartsWith("the user name or password was refused"));
            await recorder.WaitForAsync(e => e.Kind == ConnectionEventKind.Retrying && e.Attempt > refused.Attempt);
        }
        // And back to the one we have.
        var eventsBefore = recorder.Events.Count;
        using var restored = await GstRtspServer.StartAsync(clips.H264, "viewer", Password, port);
        await recorder.WaitForAsync(e => e.Kind == ConnectionEventKind.Reconnected, eventsBefore);

        Assert.DoesNotContain(recorder.Events, e => e.Message.Contains(Password) || e.Source.Contains(Password));
        Assert.Contains("refused", input.LastError);
    }

    [Fact]
    public async Task Reading_while_the_stream_is_down_stops_when_cancelled()
    {
        var port = LocalPorts.Free();
        var server = await FfmpegTool.ServeMjpegAsync(clips.Mjpeg, port);
        using var input = await OpenAsync($"http://127.0.0.1:{port}/video.mjpg");
        var recorder = new InputRecorder(input);
        await recorder.WaitForFramesAsync(3);
        server.Dispose();
        await recorder.WaitForAsync(e => e.Kind == ConnectionEventKind.Retrying);

        // Disposing cancels the read that waits for the next attempt; it must come back rather than hang.
        await recorder.DisposeAsync().AsTask().WaitAsync(TimeSpan.FromSeconds(60));

        Assert.False(input.IsConnected);
    }
}
