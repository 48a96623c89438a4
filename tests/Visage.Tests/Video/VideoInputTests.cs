using OpenCvSharp;
using Visage.Tests.TestData;
using Visage.Video;

namespace Visage.Tests.Video;

/// <summary>Opening sources: frames and their clock, and a one-line error naming each source that cannot be read.</summary>
public sealed class VideoInputTests : IDisposable
{
    private readonly TempFolder _temp = new();

    public void Dispose() => _temp.Dispose();

    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(5);

    private string SmallVideo(string name, int frames, double fps)
    {
        var path = _temp.File(name);
        TestVideos.Write(path, fps, new Size(64, 48), [new(TestVideos.Plain(90), frames)]);
        return path;
    }

    [Theory]
    [InlineData("small.avi")]
    [InlineData("small.mp4")]
    [InlineData("small.mkv")]
    public async Task A_file_gives_every_frame_timed_by_its_frame_rate(string name)
    {
        using var input = await VideoInput.OpenAsync(new VideoSource.File(SmallVideo(name, 12, 4)), Timeout);

        var frames = new List<VideoFrame>();
        while (input.Read() is { } frame) frames.Add(frame);

        Assert.Equal(12, frames.Count);
        Assert.Equal(4, input.Fps, 3);
        Assert.Equal(new Size(64, 48), input.FrameSize);
        Assert.False(input.IsLive);
        Assert.Equal(Enumerable.Range(0, 12).Select(i => (long)i), frames.Select(f => f.Index));
        Assert.Equal(TimeSpan.FromSeconds(2.75), frames[^1].Position);
        Assert.All(frames, f => Assert.Equal(new Size(64, 48), f.Image.Size()));
        foreach (var frame in frames) frame.Dispose();
    }

    [Fact]
    public async Task A_missing_file_is_named()
    {
        var path = _temp.File("nowhere.mp4");

        var error = await Assert.ThrowsAsync<VisageException>(() => VideoInput.OpenAsync(new VideoSource.File(path), Timeout));

        Assert.Equal($"{path}: no such video file", error.Message);
    }

    [Fact]
    public async Task Random_bytes_named_mp4_are_refused_as_unreadable()
    {
        var path = _temp.Write("broken.mp4", Enumerable.Range(0, 20_000).Select(i => (byte)(i * 7919 % 251)).ToArray());

        var error = await Assert.ThrowsAsync<VideoException>(() => VideoInput.OpenAsync(new VideoSource.File(path), Timeout));

        Assert.StartsWith($"{path}: ", error.Message);
        Assert.DoesNotContain('\n', error.Message);
    }

    [Fact]
    public async Task A_video_cut_short_after_its_header_is_refused()
    {
        var whole = File.ReadAllBytes(SmallVideo("whole.avi", 10, 10));
        var path = _temp.Write("cut.avi", whole[..300]);

        var error = await Assert.ThrowsAsync<VideoException>(() => VideoInput.OpenAsync(new VideoSource.File(path), Timeout));

        Assert.StartsWith($"{path}: ", error.Message);
    }

    /// <summary>
    /// A file that opens but stops giving pictures long before the end its container states: an AVI whose second
    /// half is missing, and an MP4 with its index in front (as phones and web encoders write) holding a tenth of its
    /// pictures. Reading it to the end is an error naming the file and the frames it had, not an ordinary end.
    /// </summary>
    [Theory]
    [InlineData("cut.avi", 0.5)]
    [InlineData("cut.mp4", 0.3)]
    public async Task A_video_that_ends_well_short_of_its_stated_length_is_an_error(string name, double kept)
    {
        // Noise, so the pictures outweigh the index.
        var whole = _temp.File("whole" + Path.GetExtension(name));
        TestVideos.Write(whole, 25, new Size(64, 48), Enumerable.Range(0, 100).Select(_ => new TestVideos.Shot(() =>
        {
            var noise = new Mat(48, 64, MatType.CV_8UC3);
            Cv2.Randu(noise, Scalar.All(0), Scalar.All(255));
            return noise;
        }, 1)));
        if (name.EndsWith(".mp4")) whole = IndexInFront(whole);
        var bytes = File.ReadAllBytes(whole);
        var path = _temp.Write(name, bytes[..(int)(bytes.Length * kept)]);

        using var input = await VideoInput.OpenAsync(new VideoSource.File(path), Timeout);
        var read = 0;
        var error = Assert.Throws<VideoException>(() =>
        {
            while (input.Read() is { } frame)
            {
                frame.Dispose();
                read++;
            }
        });

        Assert.InRange(read, 1, 90);
        Assert.Equal($"{path}: the video ends after {read} of its 100 frames (cut short or corrupt)", error.Message);
    }

    private string IndexInFront(string mp4)
    {
        var moved = _temp.File("faststart.mp4");
        using var ffmpeg = System.Diagnostics.Process.Start("ffmpeg",
            ["-hide_banner", "-loglevel", "error", "-y", "-i", mp4, "-c", "copy", "-movflags", "+faststart", moved])!;
        ffmpeg.WaitForExit();
        Assert.Equal(0, ffmpeg.ExitCode);
        return moved;
    }

    [Fact]
    public async Task A_folder_is_not_a_video()
    {
        var error = await Assert.ThrowsAsync<VisageException>(() =>
            VideoInput.OpenAsync(new VideoSource.File(_temp.Path), Timeout));

        Assert.Contains("is a folder", error.Message);
    }

    [Fact]
    public async Task A_camera_that_is_not_there_is_named()
    {
        var error = await Assert.ThrowsAsync<VideoException>(() =>
            VideoInput.OpenAsync(new VideoSource.Camera(57), Timeout));

        Assert.StartsWith("camera 57 could not be opened", error.Message);
    }

    [Fact]
    public async Task A_negative_camera_index_is_refused()
    {
        var error = await Assert.ThrowsAsync<InvalidSettingException>(() =>
            VideoInput.OpenAsync(new VideoSource.Camera(-1), Timeout));

        Assert.Equal(VisageSetting.Camera, error.Setting);
        Assert.Contains("-1", error.Message);
    }

    [Theory]
    [InlineData("rtsp://127.0.0.1:9/none")]
    [InlineData("http://127.0.0.1:9/stream.mjpg")]
    public async Task An_unreachable_stream_is_named_and_given_up_on_within_the_timeout(string url)
    {
        var clock = System.Diagnostics.Stopwatch.StartNew();

        var error = await Assert.ThrowsAsync<VideoException>(() =>
            VideoInput.OpenAsync(new VideoSource.Url(url), TimeSpan.FromSeconds(2)));

        Assert.StartsWith(url, error.Message);
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(30), $"took {clock.Elapsed}");
    }

    [Theory]
    [InlineData("not a url")]
    [InlineData("/tmp/file.mp4")]
    public async Task Something_that_is_not_a_url_is_refused(string url)
    {
        var error = await Assert.ThrowsAsync<InvalidSettingException>(() =>
            VideoInput.OpenAsync(new VideoSource.Url(url), Timeout));

        Assert.Equal(VisageSetting.StreamUrl, error.Setting);
        Assert.Contains("is not a stream URL", error.Message);
    }
}
