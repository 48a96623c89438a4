using System.Diagnostics;
using OpenCvSharp;
using Visage.Speech;
using Visage.Tests.TestData;
using Visage.Video;

namespace Visage.Tests.Video;

/// <summary>
/// The loop itself, with scripted recognisers on small generated videos: frames are dropped rather than
/// queued, greetings follow the video's own clock, and every way of ending leaves a finished output video.
/// </summary>
public sealed class WatcherTests : IDisposable
{
    private static readonly TimeSpan OpenTimeout = TimeSpan.FromSeconds(5);
    private readonly TempFolder _temp = new();

    public void Dispose() => _temp.Dispose();

    /// <summary>A video whose frame i is plain grey of level 40 + 2i, so a recogniser can tell which frame it got.</summary>
    private string NumberedVideo(int frames, double fps)
    {
        var path = _temp.File($"numbered-{frames}.avi");
        TestVideos.Write(path, fps, new Size(32, 32),
            Enumerable.Range(0, frames).Select(i => new TestVideos.Shot(TestVideos.Plain(40 + 2 * i), 1)));
        return path;
    }

    private static long FrameNumber(double grey) => (long)Math.Round((grey - 40) / 2);

    private static Task<VideoInput> OpenAsync(string path) => VideoInput.OpenAsync(new VideoSource.File(path), OpenTimeout);

    [Fact]
    public async Task A_slow_recogniser_gets_the_newest_frame_and_stale_ones_are_dropped_not_queued()
    {
        const int frames = 60;
        var delay = TimeSpan.FromMilliseconds(300);
        using var input = await OpenAsync(NumberedVideo(frames, 30));
        var recognizer = new ScriptedRecognizers.Slow(delay);
        var options = new WatchOptions { Pacing = FilePacing.Unpaced, OutputPath = _temp.File("out.avi") };

        var clock = Stopwatch.StartNew();
        var summary = await new Watcher(input, recognizer, new GreetingPolicy(), options, []).RunAsync();
        clock.Stop();

        Assert.Equal(frames, summary.FramesRead);
        // Queued, 60 frames at 300 ms would take 18 s; dropped, the loop ends a frame or two after the last read.
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(9), $"took {clock.Elapsed} for {summary.FramesProcessed} frames");
        Assert.InRange(summary.FramesProcessed, 1, frames / 3);
        Assert.Equal(frames - summary.FramesProcessed, summary.FramesDropped);
        var seen = recognizer.Seen.Select(FrameNumber).ToList();
        Assert.Equal(seen.Order(), seen);
        Assert.Equal(frames - 1, seen[^1]);
        // The output still has every frame read, annotated with the latest known faces.
        Assert.Equal(frames, TestVideos.CountFrames(options.OutputPath!));
        Assert.InRange(summary.MedianMilliseconds, 290, 3000);
    }

    /// <summary>Sees the same three faces in every frame: Ada, a stranger (with an encoding), and Bob far away (4 pixels).</summary>
    private sealed class DoorRecognizer : IFrameRecognizer
    {
        public IReadOnlyList<RecognizedFace> Recognize(Mat bgrFrame, CancellationToken ct = default) =>
        [
            new(new Visage.Detection.FaceBox(0, 0, 16, 16), "Ada", "Ada", 0.3f),
            new(new Visage.Detection.FaceBox(16, 0, 16, 16), null, "Ada", 1.4f) { Embedding = [1, 0, 0] },
            new(new Visage.Detection.FaceBox(0, 24, 4, 4), "Bob", "Bob", 0.2f),
        ];
    }

    [Fact]
    public async Task Strangers_are_reported_once_with_their_crops_small_faces_are_ignored_and_a_preview_is_published()
    {
        using var input = await OpenAsync(NumberedVideo(30, 30));
        var sink = new CollectingSink();
        var preview = new PreviewFeed();
        var options = new WatchOptions
        {
            Pacing = FilePacing.EveryFrame,
            MinFaceSize = 6,
            Strangers = new StrangerPolicy(0.6f, 3, 5, TimeSpan.FromMinutes(10)),
            SnapshotJpegs = true,
            Preview = preview,
        };

        var watcher = new Watcher(input, new DoorRecognizer(), new GreetingPolicy(3, 5, TimeSpan.FromMinutes(10)), options, [sink]);
        var summary = await watcher.RunAsync();

        Assert.Equal(30, watcher.FramesRecognised);
        Assert.Equal(30, summary.FramesRead);
        Assert.Equal(["Ada"], summary.Greeted); // Bob's face is under the minimum size: never seen, never greeted
        var greeting = Assert.Single(sink.Greetings);
        Assert.Equal([0xFF, 0xD8], greeting.SnapshotJpeg![..2]);
        var unknown = Assert.Single(sink.Events, e => e.Kind == WatchEventKind.Unknown);
        Assert.Equal(2, unknown.Frame); // the third frame in which the stranger was seen
        var face = Assert.Single(unknown.Faces);
        Assert.False(face.IsKnown);
        var crop = Cv2.ImDecode(Assert.Single(unknown.FaceJpegs!), ImreadModes.Color);
        Assert.Equal(new Size(24, 24), crop.Size()); // the face and half its size again on each side, within the frame
        Assert.Equal([0xFF, 0xD8], unknown.SnapshotJpeg![..2]);
        var picture = preview.Latest!;
        Assert.True(picture.Sequence >= 1);
        Assert.Equal(32, Cv2.ImDecode(picture.Jpeg, ImreadModes.Color).Width);
    }

    [Fact]
    public async Task Played_in_real_time_a_slow_recogniser_skips_frames_and_the_loop_ends_with_the_video()
    {
        const int frames = 30;
        using var input = await OpenAsync(NumberedVideo(frames, 10));
        var recognizer = new ScriptedRecognizers.Slow(TimeSpan.FromMilliseconds(350));

        var clock = Stopwatch.StartNew();
        var summary = await new Watcher(input, recognizer, new GreetingPolicy(), new WatchOptions(), []).RunAsync();
        clock.Stop();

        Assert.Equal(frames, summary.FramesRead);
        Assert.True(summary.FramesDropped >= frames / 2, $"{summary.FramesDropped} of {frames} dropped");
        var seen = recognizer.Seen.Select(FrameNumber).ToList();
        Assert.Contains(seen.Zip(seen.Skip(1)), pair => pair.Second - pair.First > 1);
        // Three seconds of video: it plays for about that long and stops, not 30 x 350 ms later.
        Assert.True(clock.Elapsed >= TimeSpan.FromSeconds(2.5), $"played in {clock.Elapsed}");
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(8), $"took {clock.Elapsed}");
        Assert.Equal(WatchEnding.EndOfVideo, summary.Ending);
    }

    [Fact]
    public async Task Every_frame_mode_recognises_each_frame_in_order()
    {
        const int frames = 25;
        using var input = await OpenAsync(NumberedVideo(frames, 30));
        var recognizer = new ScriptedRecognizers.Slow(TimeSpan.FromMilliseconds(5));

        var summary = await new Watcher(input, recognizer, new GreetingPolicy(),
            new WatchOptions { Pacing = FilePacing.EveryFrame }, []).RunAsync();

        Assert.Equal(frames, summary.FramesProcessed);
        Assert.Equal(0, summary.FramesDropped);
        Assert.Equal(Enumerable.Range(0, frames).Select(i => (long)i), recognizer.Seen.Select(FrameNumber));
    }

    /// <summary>
    /// 10 fps: Ada for 1 s, 1 s of wall, Bob for 1 s, 4 s of wall, Ada again for 1 s (6 s after her first
    /// greeting), then Ada, Bob and a stranger together.
    /// </summary>
    private async Task<(WatchSummary Summary, CollectingSink Sink)> StageAsync(TimeSpan cooldown, string? snapshots = null)
    {
        var path = _temp.File("stage.avi");
        if (!File.Exists(path))
            TestVideos.Write(path, 10, new Size(32, 32),
            [
                new(TestVideos.Plain(60), 10), new(TestVideos.Plain(120), 10),
                new(TestVideos.Plain(180), 10), new(TestVideos.Plain(120), 40),
                new(TestVideos.Plain(60), 10), new(TestVideos.Plain(240), 10),
            ]);
        var recognizer = new ScriptedRecognizers.ByGreyLevel(new Dictionary<int, string[]>
        {
            [60] = ["Ada"], [180] = ["Bob"], [240] = ["Bob", "?", "Ada"],
        });
        using var input = await OpenAsync(path);
        var sink = new CollectingSink();
        var summary = await new Watcher(input, recognizer, new GreetingPolicy(3, 5, cooldown),
            new WatchOptions { Pacing = FilePacing.EveryFrame, SnapshotFolder = snapshots }, [sink]).RunAsync();
        return (summary, sink);
    }

    [Fact]
    public async Task Within_the_cooldown_on_the_videos_clock_nobody_is_greeted_twice()
    {
        var (summary, sink) = await StageAsync(TimeSpan.FromMinutes(10));

        var greetings = sink.Greetings;
        Assert.Equal([["Ada"], ["Bob"]], greetings.Select(g => g.Names));
        Assert.Equal(2, greetings[0].Frame);
        Assert.Equal(TimeSpan.FromSeconds(0.2), greetings[0].Position);
        Assert.Equal("Welcome Ada, have a nice day.", greetings[0].Text);
        Assert.Equal(22, greetings[1].Frame);
        Assert.Equal(2, summary.Greetings);
        Assert.Equal(["Ada", "Bob"], summary.Greeted);
        Assert.Equal(10 + 10 + 10 + 3 * 10, summary.FacesSeen);
    }

    [Fact]
    public async Task After_the_cooldown_the_returning_person_is_greeted_again_and_people_together_in_one_sentence()
    {
        var (_, sink) = await StageAsync(TimeSpan.FromSeconds(5));

        var greetings = sink.Greetings;
        // Ada returns at 7.0 s (greeted at 7.2 s, 7 s after her first greeting); at 8.0 s Ada and Bob appear
        // together: Bob's cooldown (from 2.2 s) is over, Ada's (from 7.2 s) is not.
        Assert.Equal([["Ada"], ["Bob"], ["Ada"], ["Bob"]], greetings.Select(g => g.Names));
        Assert.Equal(72, greetings[2].Frame);
        Assert.Equal(TimeSpan.FromSeconds(7.2), greetings[2].Position);
    }

    [Fact]
    public async Task People_confirmed_in_the_same_frame_are_greeted_together_left_to_right_and_snapshotted()
    {
        var snapshots = _temp.File("snapshots");

        var (_, sink) = await StageAsync(TimeSpan.Zero, snapshots);

        // With no cooldown everyone confirmed is greeted at every frame: the first frame of the three together.
        var together = sink.Greetings.First(g => g.Names.Count == 2);
        Assert.Equal(["Bob", "Ada"], together.Names);
        Assert.Equal("Welcome Bob and Ada, have a nice day!", together.Text);
        Assert.DoesNotContain(together.Faces, f => !f.IsKnown);
        Assert.NotNull(together.Snapshot);
        Assert.True(File.Exists(together.Snapshot));
        Assert.Equal(sink.Greetings.Count, Directory.GetFiles(snapshots, "*.png").Length);
    }

    [Fact]
    public async Task Cancelling_ends_the_loop_promptly_and_the_output_video_is_finalised()
    {
        using var input = await OpenAsync(NumberedVideo(100, 10));
        var output = _temp.File("cut.mp4");
        using var cancel = new CancellationTokenSource(TimeSpan.FromSeconds(1));

        var clock = Stopwatch.StartNew();
        var summary = await new Watcher(input, new ScriptedRecognizers.Slow(TimeSpan.FromMilliseconds(20)),
            new GreetingPolicy(), new WatchOptions { OutputPath = output }, []).RunAsync(cancel.Token);

        Assert.Equal(WatchEnding.Interrupted, summary.Ending);
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(6), $"took {clock.Elapsed}");
        Assert.InRange(summary.FramesRead, 1, 99);
        Assert.Equal(summary.FramesRead, TestVideos.CountFrames(output));
    }

    [Fact]
    public async Task A_failing_recogniser_stops_the_loop_with_its_error()
    {
        using var input = await OpenAsync(NumberedVideo(100, 10));
        var clock = Stopwatch.StartNew();

        var error = await Assert.ThrowsAsync<VisageException>(() =>
            new Watcher(input, new ScriptedRecognizers.Broken(), new GreetingPolicy(), new WatchOptions(), []).RunAsync());

        Assert.Equal("model exploded", error.Message);
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(6), $"took {clock.Elapsed}");
    }

    [Fact]
    public async Task Recognitions_are_reported_only_when_asked_and_only_for_frames_with_faces()
    {
        var path = _temp.File("short.avi");
        TestVideos.Write(path, 10, new Size(32, 32), [new(TestVideos.Plain(60), 4), new(TestVideos.Plain(120), 3)]);
        using var input = await OpenAsync(path);
        var sink = new CollectingSink();

        await new Watcher(input, new ScriptedRecognizers.ByGreyLevel(new Dictionary<int, string[]> { [60] = ["Ada"] }),
            new GreetingPolicy(), new WatchOptions { Pacing = FilePacing.EveryFrame, ReportRecognitions = true },
            [sink]).RunAsync();

        var recognitions = sink.Events.Where(e => e.Kind == WatchEventKind.Recognition).ToList();
        Assert.Equal([0L, 1, 2, 3], recognitions.Select(r => r.Frame));
        Assert.All(recognitions, r => Assert.Equal(["Ada"], r.Names));
    }
}
