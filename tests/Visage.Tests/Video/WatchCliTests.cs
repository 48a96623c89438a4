using System.Text.Json;
using Visage.Models;
using Visage.Speech;
using Visage.Storage;
using Visage.Tests.Cli;
using Visage.Tests.TestData;
using Visage.Tests.Speech;

namespace Visage.Tests.Video;

/// <summary>
/// <c>visage watch</c> as a user runs it, on the door-camera video: who is greeted, how often, with which
/// words, and what it leaves behind (events, hooks, snapshots, speech, the annotated video).
/// </summary>
[Collection(CliCollection.Name)]
public sealed class WatchCliTests(WatchScenarioFixture scenario) : IClassFixture<WatchScenarioFixture>, IDisposable
{
    private readonly TempFolder _temp = new();

    public void Dispose() => _temp.Dispose();

    private static string Spoken(string name) => GreetingText.SpokenName(name);

    private Task<VisageCli.Result> WatchAsync(params string[] extra) =>
        VisageCli.RunAsync(["watch", "--video", scenario.Video, "--db", scenario.Db, "--no-window", "--voice", "none",
            "--every-frame", .. extra]);

    private static List<JsonElement> ReadEvents(string path) =>
        File.ReadAllLines(path).Select(line => JsonDocument.Parse(line).RootElement).ToList();

    private static List<string[]> GreetedNames(IEnumerable<JsonElement> events) =>
        events.Where(e => e.GetProperty("event").GetString() == "greeting")
            .Select(e => e.GetProperty("people").EnumerateArray().Select(n => n.GetString()!).ToArray())
            .ToList();

    [Fact]
    public async Task Each_enrolled_person_is_greeted_once_and_the_stranger_never()
    {
        var events = _temp.File("events.jsonl");

        var result = await WatchAsync("--events", events, "--json");

        Assert.True(result.ExitCode == 0, result.ToString());
        var log = ReadEvents(events);
        Assert.Equal([[scenario.First], [scenario.Second]], GreetedNames(log));
        Assert.Equal($"Welcome {Spoken(scenario.First)}, have a nice day.", log[0].GetProperty("text").GetString());
        Assert.Equal($"Welcome {Spoken(scenario.Second)}, have a nice day.", log[1].GetProperty("text").GetString());
        Assert.DoesNotContain(scenario.Stranger, File.ReadAllText(events));

        // Each greeting says when, where and how sure: time, frame, seconds on the video's clock, box, distance.
        var first = log[0];
        Assert.InRange(first.GetProperty("frame").GetInt64(), 2, WatchScenarioFixture.ShotFrames - 1);
        Assert.Equal(first.GetProperty("frame").GetInt64() / WatchScenarioFixture.Fps,
            first.GetProperty("seconds").GetDouble(), 3);
        Assert.True(first.GetProperty("time").GetDateTimeOffset() > DateTimeOffset.UtcNow.AddMinutes(-5));
        var face = Assert.Single(first.GetProperty("faces").EnumerateArray());
        Assert.Equal(scenario.First, face.GetProperty("person").GetString());
        Assert.InRange(face.GetProperty("distance").GetDouble(), 0, ModelCatalog.Default.DefaultThreshold);
        Assert.True(face.GetProperty("box").GetProperty("width").GetDouble() > 20);

        var summary = result.Json;
        Assert.Equal(WatchScenarioFixture.TotalFrames, summary.GetProperty("framesRead").GetInt64());
        Assert.Equal(WatchScenarioFixture.TotalFrames, summary.GetProperty("framesProcessed").GetInt64());
        Assert.Equal(0, summary.GetProperty("framesDropped").GetInt64());
        Assert.Equal(2, summary.GetProperty("greetings").GetInt32());
        Assert.Equal([scenario.First, scenario.Second],
            summary.GetProperty("greeted").EnumerateArray().Select(n => n.GetString()));
        // Four people-shots of 20 frames, one face each.
        Assert.Equal(4 * WatchScenarioFixture.ShotFrames, summary.GetProperty("facesSeen").GetInt64());
        Assert.True(summary.GetProperty("medianMilliseconds").GetDouble() > 0);
        Assert.Equal("end_of_video", summary.GetProperty("ending").GetString());
    }

    [Fact]
    public async Task With_a_cooldown_shorter_than_the_absence_the_returning_person_is_greeted_again()
    {
        var events = _temp.File("events.jsonl");

        var result = await WatchAsync("--events", events, "--cooldown", "5s");

        Assert.True(result.ExitCode == 0, result.ToString());
        var log = ReadEvents(events);
        Assert.Equal([[scenario.First], [scenario.Second], [scenario.First]], GreetedNames(log));
        Assert.InRange(log[2].GetProperty("frame").GetInt64(), WatchScenarioFixture.ReturnFrame + 2,
            WatchScenarioFixture.TotalFrames - 1);
        // Without --json the greetings and the summary are printed for people.
        Assert.Contains($"Welcome {Spoken(scenario.First)}, have a nice day.", result.Out);
        Assert.Contains("greetings: 3", result.Out);
        Assert.Contains($"frames: {WatchScenarioFixture.TotalFrames} read", result.Out);
    }

    [Fact]
    public async Task Known_folder_in_the_seed_layout_works_like_a_gallery()
    {
        var result = await VisageCli.RunAsync("watch", "--video", scenario.Video, "--known", scenario.KnownFolder,
            "--no-window", "--voice", "none", "--every-frame", "--json");

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Equal([scenario.First, scenario.Second],
            result.Json.GetProperty("greeted").EnumerateArray().Select(n => n.GetString()));
    }

    [Fact]
    public async Task Events_all_logs_every_frame_with_faces_including_the_stranger_as_unknown()
    {
        var events = _temp.File("all.jsonl");

        var result = await WatchAsync("--events", events, "--events-all");

        Assert.True(result.ExitCode == 0, result.ToString());
        var log = ReadEvents(events);
        var recognitions = log.Where(e => e.GetProperty("event").GetString() == "recognition").ToList();
        Assert.Equal(4 * WatchScenarioFixture.ShotFrames, recognitions.Count);
        var strangerFrames = recognitions.Where(e =>
            e.GetProperty("frame").GetInt64() is >= 2 * (WatchScenarioFixture.ShotFrames + WatchScenarioFixture.GapFrames)
                and < WatchScenarioFixture.ReturnFrame).ToList();
        Assert.Equal(WatchScenarioFixture.ShotFrames, strangerFrames.Count);
        Assert.All(strangerFrames, e =>
        {
            Assert.Empty(e.GetProperty("people").EnumerateArray());
            Assert.Equal(JsonValueKind.Null, e.GetProperty("faces")[0].GetProperty("person").ValueKind);
            Assert.True(e.GetProperty("faces")[0].GetProperty("distance").GetDouble() > ModelCatalog.Default.DefaultThreshold);
        });
        Assert.Equal(2, log.Count(e => e.GetProperty("event").GetString() == "greeting"));
    }

    [Fact]
    public async Task On_greet_hook_gets_each_greeting_as_json_and_a_failing_hook_is_reported_without_stopping()
    {
        var hooked = _temp.File("hooked.jsonl");
        var good = await WatchAsync("--on-greet", $"cat >> '{hooked}'");
        Assert.True(good.ExitCode == 0, good.ToString());
        Assert.Equal([[scenario.First], [scenario.Second]], GreetedNames(ReadEvents(hooked)));

        var events = _temp.File("events.jsonl");
        var failing = await WatchAsync("--on-greet", "echo door is jammed >&2; exit 3", "--events", events);

        Assert.True(failing.ExitCode == 0, failing.ToString());
        Assert.Contains("exited with status 3", failing.Err);
        Assert.Contains("door is jammed", failing.Err);
        Assert.Equal(2, GreetedNames(ReadEvents(events)).Count);
        Assert.Contains("greetings: 2", failing.Out);
    }

    [Fact]
    public async Task Snapshot_saves_the_frame_of_each_greeting()
    {
        var folder = _temp.File("snapshots");
        var events = _temp.File("events.jsonl");

        var result = await WatchAsync("--snapshot", folder, "--events", events);

        Assert.True(result.ExitCode == 0, result.ToString());
        var saved = Directory.GetFiles(folder, "*.png").Order(StringComparer.Ordinal).ToList();
        Assert.Equal(2, saved.Count);
        var logged = ReadEvents(events).Select(e => e.GetProperty("snapshot").GetString()).ToList();
        Assert.Equal(saved, logged.Select(p => Path.GetFullPath(p!)));
        using var image = OpenCvSharp.Cv2.ImRead(saved[0]);
        Assert.Equal(250, image.Width);
    }

    [Fact]
    public async Task Output_video_has_one_annotated_frame_for_every_frame_read()
    {
        var output = _temp.File("annotated.mp4");

        var result = await WatchAsync("--output", output, "--json");

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Equal(WatchScenarioFixture.TotalFrames, TestVideos.CountFrames(output));
        Assert.Equal(WatchScenarioFixture.TotalFrames, result.Json.GetProperty("framesRead").GetInt64());
    }

    [Fact]
    public async Task Speak_to_writes_both_greetings_to_a_wav_that_holds_speech()
    {
        var wav = _temp.File("greetings.wav");

        var result = await VisageCli.RunAsync("watch", "--video", scenario.Video, "--db", scenario.Db, "--no-window",
            "--every-frame", "--speak-to", wav);

        Assert.True(result.ExitCode == 0, result.ToString());
        var audio = WavProbe.Read(wav);
        // Two sentences of about three seconds each at espeak-ng's default rate.
        Assert.InRange(audio.Duration.TotalSeconds, 3.5, 15);
        Assert.True(audio.Rms > 0.02, $"RMS {audio.Rms:0.0000} is near silence");
        Assert.True(audio.VoicedFraction > 0.3, $"only {audio.VoicedFraction:P0} of the file is louder than silence");
    }

    [Fact]
    public async Task Real_time_playback_ends_with_the_video_and_keeps_up_on_a_small_video()
    {
        var result = await VisageCli.RunAsync("watch", "--video", scenario.Video, "--db", scenario.Db, "--no-window",
            "--voice", "none", "--json");

        Assert.True(result.ExitCode == 0, result.ToString());
        var summary = result.Json;
        Assert.Equal(WatchScenarioFixture.TotalFrames, summary.GetProperty("framesRead").GetInt64());
        Assert.Equal(summary.GetProperty("framesRead").GetInt64(),
            summary.GetProperty("framesProcessed").GetInt64() + summary.GetProperty("framesDropped").GetInt64());
        Assert.Equal([scenario.First, scenario.Second],
            summary.GetProperty("greeted").EnumerateArray().Select(n => n.GetString()));
    }

    [Fact]
    public async Task A_video_cut_short_is_an_error_after_the_summary_of_what_it_showed()
    {
        var bytes = File.ReadAllBytes(scenario.AviVideo);
        var cut = _temp.Write("cut.avi", bytes[..(bytes.Length * 6 / 10)]);

        var result = await VisageCli.RunAsync("watch", "--video", cut, "--db", scenario.Db, "--no-window",
            "--voice", "none", "--every-frame", "--json");

        Assert.Equal(1, result.ExitCode);
        var error = Assert.Single(result.Err.Split('\n'), l => l.StartsWith("visage: error:", StringComparison.Ordinal));
        var read = result.Json.GetProperty("framesRead").GetInt64();
        Assert.InRange(read, 1, WatchScenarioFixture.TotalFrames * 9 / 10);
        Assert.Equal($"visage: error: {cut}: the video ends after {read} of its {WatchScenarioFixture.TotalFrames} frames (cut short or corrupt)",
            error);
        Assert.Equal("failed", result.Json.GetProperty("ending").GetString());
        Assert.Equal(error["visage: error: ".Length..], result.Json.GetProperty("error").GetString());
        // What it saw before the break still counts: the first person was greeted.
        Assert.Equal(scenario.First, result.Json.GetProperty("greeted")[0].GetString());
    }

    [Fact]
    public async Task A_galleries_calibrated_threshold_is_used_unless_threshold_is_given()
    {
        var db = _temp.File("calibrated.db");
        File.Copy(scenario.Db, db);
        var pack = ModelCatalog.Default;
        using (var gallery = await SqliteGallery.OpenAsync(db, new GalleryBinding(pack.Id, pack.Dimensions, null, null),
                   GalleryOpenMode.MustExistWritable))
            await gallery.SetThresholdAsync(new GalleryThreshold(0.05f, "stricter than any real match"));

        var strict = await VisageCli.RunAsync("watch", "--video", scenario.Video, "--db", db, "--no-window",
            "--voice", "none", "--every-frame", "--json");
        var given = await VisageCli.RunAsync("watch", "--video", scenario.Video, "--db", db, "--no-window",
            "--voice", "none", "--every-frame", "--json", "--threshold",
            pack.DefaultThreshold.ToString(System.Globalization.CultureInfo.InvariantCulture));

        Assert.True(strict.ExitCode == 0, strict.ToString());
        Assert.Equal(0, strict.Json.GetProperty("greetings").GetInt32());
        Assert.True(given.ExitCode == 0, given.ToString());
        Assert.Equal([scenario.First, scenario.Second],
            given.Json.GetProperty("greeted").EnumerateArray().Select(n => n.GetString()));
    }
}
