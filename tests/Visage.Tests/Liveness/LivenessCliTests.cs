using System.Globalization;
using System.Text.Json;
using Visage.Tests.Cli;
using Visage.Tests.TestData;
using Visage.Tests.Video;
using Xunit.Abstractions;

namespace Visage.Tests.Liveness;

/// <summary>
/// <c>--liveness</c> on <c>visage watch</c> and <c>visage identify</c>, on the door-camera video and LFW photos
/// (real faces only: no spoof data is available here). Each face carries its check; a face that fails is never
/// named nor greeted; a threshold no face of the video reaches turns every greeting away.
/// </summary>
[Collection(CliCollection.Name)]
public sealed class LivenessCliTests(WatchScenarioFixture scenario, ITestOutputHelper output)
    : IClassFixture<WatchScenarioFixture>, IDisposable
{
    private readonly TempFolder _temp = new();

    public void Dispose() => _temp.Dispose();

    private async Task<(VisageCli.Result Result, List<JsonElement> Faces)> WatchAsync(params string[] extra)
    {
        var events = _temp.File($"events-{Guid.NewGuid():N}.jsonl");
        var result = await VisageCli.RunAsync(["watch", "--video", scenario.Video, "--db", scenario.Db, "--no-window",
            "--voice", "none", "--every-frame", "--events", events, "--events-all", "--json", .. extra]);
        Assert.True(result.ExitCode == 0, result.ToString());
        var faces = File.ReadAllLines(events).Select(line => JsonDocument.Parse(line).RootElement)
            .Where(e => e.GetProperty("event").GetString() == "recognition")
            .SelectMany(e => e.GetProperty("faces").EnumerateArray()).ToList();
        return (result, faces);
    }

    private static string[] Greeted(VisageCli.Result result) =>
        result.Json.GetProperty("greeted").EnumerateArray().Select(n => n.GetString()!).ToArray();

    [Fact]
    public async Task Watch_checks_every_face_greets_only_faces_that_pass_and_nobody_above_every_score()
    {
        var (result, faces) = await WatchAsync("--liveness");

        Assert.Equal(4 * WatchScenarioFixture.ShotFrames, faces.Count);
        foreach (var face in faces)
        {
            var check = face.GetProperty("liveness");
            Assert.InRange(check.GetProperty("score").GetDouble(), 0, 1);
            Assert.Equal(0.5, check.GetProperty("threshold").GetDouble(), 6);
            Assert.Equal(check.GetProperty("score").GetDouble() >= 0.5, check.GetProperty("live").GetBoolean());
            if (!check.GetProperty("live").GetBoolean())
                Assert.Equal(JsonValueKind.Null, face.GetProperty("person").ValueKind);
        }
        // Whoever is greeted is an enrolled person seen live in enough frames; never the stranger.
        var greeted = Greeted(result);
        Assert.DoesNotContain(scenario.Stranger, greeted);
        foreach (var person in greeted)
            Assert.True(faces.Count(f => f.GetProperty("person").GetString() == person
                                         && f.GetProperty("liveness").GetProperty("live").GetBoolean()) >= 3, person);
        // The real faces of these test videos the gate turns away at its threshold (README quotes this line).
        var rejected = faces.Count(f => !f.GetProperty("liveness").GetProperty("live").GetBoolean());
        output.WriteLine($"door video: {rejected} of {faces.Count} real faces rejected at 0.5 " +
                         $"({faces.Count(f => f.GetProperty("person").ValueKind == JsonValueKind.Null)} unnamed), greeted: {string.Join(", ", greeted)}");

        // A threshold just above every score the video's faces get (the JSON rounds scores to 4 places).
        var highest = faces.Max(f => f.GetProperty("liveness").GetProperty("score").GetDouble());
        var threshold = Math.Min(highest + 0.0001, 0.99999);
        Assert.True(highest < threshold, $"the video's best liveness score {highest} leaves no threshold below 1 above it");

        var (closed, gated) = await WatchAsync("--liveness", "--liveness-threshold",
            threshold.ToString("R", CultureInfo.InvariantCulture));

        Assert.Empty(Greeted(closed));
        Assert.Equal(faces.Count, gated.Count);
        Assert.All(gated, f =>
        {
            Assert.False(f.GetProperty("liveness").GetProperty("live").GetBoolean());
            Assert.Equal(JsonValueKind.Null, f.GetProperty("person").ValueKind);
            // Who the face looks like is still told; it is only never taken for them.
            Assert.NotEmpty(f.GetProperty("candidates").EnumerateArray());
        });
    }

    [Fact]
    public async Task Identify_reports_each_faces_liveness_and_names_it_only_when_it_passes()
    {
        var probe = Lfw.PhotosOf(scenario.First)[1];

        var result = await VisageCli.RunAsync("identify", probe, "--db", scenario.Db, "--liveness", "--json");
        var plain = await VisageCli.RunAsync("identify", probe, "--db", scenario.Db, "--json");

        Assert.True(result.ExitCode == 0, result.ToString());
        var face = Assert.Single(result.Json.GetProperty("faces").EnumerateArray());
        var check = face.GetProperty("liveness");
        var live = check.GetProperty("live").GetBoolean();
        Assert.Equal(live ? scenario.First : null, face.GetProperty("person").GetString());
        Assert.Equal(scenario.First, plain.Json.GetProperty("faces")[0].GetProperty("person").GetString());
        Assert.False(plain.Json.GetProperty("faces")[0].TryGetProperty("liveness", out _));
    }

    [Fact]
    public async Task A_welcome_loop_asking_for_liveness_on_a_recognizer_without_it_is_refused()
    {
        using var recognizer = await FaceRecognizer.LoadAsync();
        using var people = await People.OpenAsync(recognizer, scenario.Db);
        await using var loop = await WelcomeLoop.OpenAsync(new WatchSettings
        {
            Source = new Visage.Video.VideoSource.File(scenario.Video), Liveness = true, Voice = "none",
        });

        var e = await Assert.ThrowsAsync<InvalidSettingException>(() => loop.RunAsync(people));

        Assert.Equal(VisageSetting.Liveness, e.Setting);
        Assert.Contains("RecognizerOptions.Liveness", e.Message);
    }

    [Fact]
    public async Task A_liveness_network_loaded_later_checks_only_the_callers_that_ask_and_lets_a_loop_ask()
    {
        using var recognizer = await FaceRecognizer.LoadAsync();
        using var people = await People.OpenAsync(recognizer, scenario.Db);
        using var photo = await recognizer.ReadImageAsync(Lfw.PhotosOf(scenario.First)[1]);
        Assert.Null(recognizer.Find(photo).Single().Liveness);
        Assert.Equal(VisageSetting.Liveness, Assert.Throws<InvalidSettingException>(() => recognizer.Find(photo, checkLiveness: true)).Setting);

        // Several callers at once: the network is loaded once.
        var loads = await Task.WhenAll(Enumerable.Range(0, 3).Select(_ => Task.Run(() => recognizer.LoadLivenessAsync())));
        Assert.Equal(1, loads.Count(loaded => loaded));
        Assert.Equal(RecognizerOptions.DefaultLivenessModel, recognizer.LivenessModel);
        Assert.Equal(0.5f, recognizer.LivenessThreshold);
        var other = await Assert.ThrowsAsync<InvalidSettingException>(() => recognizer.LoadLivenessAsync("human-liveness"));
        Assert.Contains(RecognizerOptions.DefaultLivenessModel, other.Message);

        // Faces found without asking stay unchecked; asked, each carries its check, and the same score a
        // recognizer loaded with the network from the start gives.
        Assert.Null(recognizer.Find(photo).Single().Liveness);
        Assert.Null(recognizer.Find(photo, checkLiveness: false).Single().Liveness);
        var check = recognizer.Find(photo, checkLiveness: true).Single().Liveness;
        Assert.NotNull(check);
        using (var gated = await FaceRecognizer.LoadAsync(new RecognizerOptions { Liveness = RecognizerOptions.DefaultLivenessModel }))
        {
            using var same = await gated.ReadImageAsync(Lfw.PhotosOf(scenario.First)[1]);
            Assert.Equal(gated.Find(same).Single().Liveness!.Score, check.Score, 5);
        }

        // A welcome loop asking for liveness now runs, every face checked.
        var events = new List<Visage.Video.WatchEvent>();
        await using var loop = await WelcomeLoop.OpenAsync(new WatchSettings
        {
            Source = new Visage.Video.VideoSource.File(scenario.Video), Liveness = true, Voice = "none",
            Pacing = Visage.Video.FilePacing.EveryFrame, LogEveryFrame = true, EventLog = _temp.File("loop.jsonl"),
        });
        var summary = await loop.RunAsync(people, new CollectingSink(events));
        Assert.Null(summary.Error);
        var faces = events.SelectMany(e => e.Faces).ToList();
        Assert.NotEmpty(faces);
        Assert.All(faces, f => Assert.NotNull(f.Liveness));
    }

    private sealed class CollectingSink(List<Visage.Video.WatchEvent> events) : Visage.Video.IWatchEventSink
    {
        public void Post(Visage.Video.WatchEvent e)
        {
            lock (events) events.Add(e);
        }

        public Task CompleteAsync(CancellationToken ct) => Task.CompletedTask;
    }

    [Fact]
    public async Task A_liveness_threshold_without_liveness_is_a_one_line_error()
    {
        var result = await VisageCli.RunAsync("identify", Lfw.PhotosOf(scenario.First)[1], "--db", scenario.Db,
            "--liveness-threshold", "0.3");

        Assert.NotEqual(0, result.ExitCode);
        var error = Assert.Single(result.Err.Split('\n'), l => l.StartsWith("visage: error:", StringComparison.Ordinal));
        Assert.Contains("--liveness-threshold", error);
    }

    [Fact]
    public async Task A_liveness_threshold_out_of_range_is_a_one_line_error_naming_its_flag()
    {
        var result = await VisageCli.RunAsync("identify", Lfw.PhotosOf(scenario.First)[1], "--db", scenario.Db,
            "--liveness", "--liveness-threshold", "2");

        Assert.Equal(2, result.ExitCode);
        var error = Assert.Single(result.Err.Split('\n'), l => l.StartsWith("visage: error:", StringComparison.Ordinal));
        Assert.StartsWith("visage: error: --liveness-threshold: a liveness threshold between 0 and 1 is needed, not 2", error);
    }
}
