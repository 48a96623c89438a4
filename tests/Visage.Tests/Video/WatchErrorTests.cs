using Visage.Tests.Cli;
using Visage.Tests.TestData;

namespace Visage.Tests.Video;

/// <summary>
/// <c>visage watch</c> with sources it cannot use and options that make no sense: one line naming the culprit,
/// a non-zero exit, and no models loaded first (these fail before that).
/// </summary>
[Collection(CliCollection.Name)]
public sealed class WatchErrorTests : IDisposable
{
    private readonly TempFolder _temp = new();

    public void Dispose() => _temp.Dispose();

    private static void AssertOneLineError(VisageCli.Result result, string mustMention)
    {
        Assert.True(result.ExitCode != 0, result.ToString());
        var errors = result.Err.Split('\n', StringSplitOptions.RemoveEmptyEntries)
            .Where(l => l.StartsWith("visage: error:", StringComparison.Ordinal)).ToList();
        var error = Assert.Single(errors);
        Assert.Contains(mustMention, error);
        Assert.Equal("", result.Out);
    }

    private Task<VisageCli.Result> WatchAsync(params string[] args) =>
        VisageCli.RunAsync(["watch", "--db", _temp.File("unused.db"), "--no-window",
            .. args.Contains("--voice") ? args : [.. args, "--voice", "none"]]);

    [Fact]
    public async Task A_camera_that_cannot_be_opened()
    {
        var result = await WatchAsync("--camera", "42");

        AssertOneLineError(result, "camera 42 could not be opened");
    }

    [Fact]
    public async Task A_missing_video_file()
    {
        var path = _temp.File("nowhere.mp4");

        var result = await WatchAsync("--video", path);

        AssertOneLineError(result, $"{path}: no such video file");
    }

    [Fact]
    public async Task A_broken_video_file()
    {
        var path = _temp.Write("broken.mp4", Enumerable.Range(0, 50_000).Select(i => (byte)(i * 7919 % 251)).ToArray());

        var result = await WatchAsync("--video", path);

        AssertOneLineError(result, $"{path}: ");
    }

    [Fact]
    public async Task An_unreachable_stream()
    {
        var result = await WatchAsync("--url", "rtsp://127.0.0.1:9/none", "--open-timeout", "3s");

        AssertOneLineError(result, "rtsp://127.0.0.1:9/none");
    }

    [Theory]
    [InlineData(new string[0], "exactly one of --camera N, --video FILE or --url URL")]
    [InlineData(new[] { "--camera", "0", "--url", "rtsp://127.0.0.1:9/x" }, "exactly one of")]
    [InlineData(new[] { "--camera", "0", "--every-frame" }, "--every-frame")]
    [InlineData(new[] { "--camera", "0", "--cooldown", "ten minutes" }, "--cooldown: 'ten minutes' is not a duration")]
    [InlineData(new[] { "--camera", "0", "--confirm-frames", "6" }, "--confirm-frames: 6 confirming frames: must be between 1 and the window of 5 frames")]
    [InlineData(new[] { "--camera", "0", "--window-frames", "0" }, "--window-frames: a window of at least 1 frame is needed, not 0")]
    [InlineData(new[] { "--camera", "0", "--voice", "hal9000" }, "--voice: unknown voice 'hal9000'")]
    [InlineData(new[] { "--camera", "0", "--events-all" }, "--events-all needs --events")]
    [InlineData(new[] { "--camera", "0", "--open-timeout", "0" }, "--open-timeout")]
    [InlineData(new[] { "--camera", "0", "--speak-to", "/no/such/folder/x.wav" }, "--speak-to /no/such/folder/x.wav")]
    [InlineData(new[] { "--camera", "0", "--speak-to", "x.wav", "--voice", "none" }, "--speak-to x.wav: writing speech needs a voice")]
    [InlineData(new[] { "--url", "not a url" }, "--url: 'not a url' is not a stream URL")]
    [InlineData(new[] { "--url", "ftp://u:hunter22@cam/door" }, "--url: 'ftp://u:***@cam/door' is not a stream URL")]
    [InlineData(new[] { "--url", "rtsp://127.0.0.1:9/x", "--rtsp-transport", "pigeon" }, "--rtsp-transport: 'pigeon' is not tcp or udp")]
    [InlineData(new[] { "--url", "http://127.0.0.1:9/x.mjpg", "--rtsp-transport", "udp" }, "--rtsp-transport is only for")]
    [InlineData(new[] { "--camera", "0", "--rtsp-transport", "tcp" }, "--rtsp-transport is only for")]
    [InlineData(new[] { "--url", "rtsp://127.0.0.1:9/x", "--stall-timeout", "0s" }, "--stall-timeout: must be longer than zero")]
    [InlineData(new[] { "--camera", "0", "--output", "out.gif" }, "--output out.gif: name the video .mp4")]
    [InlineData(new[] { "--camera", "0", "--output", "/no/such/folder/out.mp4" }, "--output /no/such/folder/out.mp4: folder")]
    public async Task Options_that_make_no_sense(string[] args, string mustMention) =>
        AssertOneLineError(await WatchAsync(args), mustMention);

    [Fact]
    public async Task Known_and_db_together_are_refused() =>
        AssertOneLineError(await VisageCli.RunAsync("watch", "--camera", "0", "--known", _temp.Path, "--db", "x.db"),
            "--known and --db/--store cannot be used together");
}
