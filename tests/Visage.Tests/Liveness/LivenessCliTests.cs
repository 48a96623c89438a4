using System.Globalization;
using System.Text.Json;
using Visage.Tests.Cli;
using Visage.Tests.TestData;
using Visage.Tests.Video;

namespace Visage.Tests.Liveness;

/// <summary>
/// <c>--liveness</c> on <c>visage watch</c> and <c>visage identify</c>, on the door-camera video and LFW photos
/// (real faces only: no spoof data is available here). Each face carries its check; a face that fails is never
/// named nor greeted; a threshold no face of the video reaches turns every greeting away.
/// </summary>
[Collection(CliCollection.Name)]
public sealed class LivenessCliTests(WatchScenarioFixture scenario) : IClassFixture<WatchScenarioFixture>, IDisposable
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
    public async Task Watch_checks_every_face_and_greets_only_faces_that_pass()
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
        // Real faces: whoever is greeted is an enrolled person, seen live in enough frames; never the stranger.
        var greeted = Greeted(result);
        Assert.DoesNotContain(scenario.Stranger, greeted);
        foreach (var person in greeted)
            Assert.True(faces.Count(f => f.GetProperty("person").GetString() == person
                                         && f.GetProperty("liveness").GetProperty("live").GetBoolean()) >= 3, person);
    }

    [Fact]
    public async Task Watch_greets_nobody_when_no_face_reaches_the_liveness_threshold()
    {
        var (open, faces) = await WatchAsync("--liveness");
        var highest = faces.Max(f => f.GetProperty("liveness").GetProperty("score").GetDouble());
        // A threshold just above every score the video's faces get (scores are rounded to 4 places in the JSON).
        var threshold = Math.Min(highest + 0.0001, 0.99999);
        Assert.True(highest < threshold, $"the video's best liveness score {highest} leaves no threshold below 1 above it");

        var (closed, gated) = await WatchAsync("--liveness", "--liveness-threshold",
            threshold.ToString("R", CultureInfo.InvariantCulture));

        Assert.Empty(Greeted(closed));
        Assert.All(gated, f =>
        {
            Assert.False(f.GetProperty("liveness").GetProperty("live").GetBoolean());
            Assert.Equal(JsonValueKind.Null, f.GetProperty("person").ValueKind);
        });
        // The same faces without the gate's threshold raised were greeted.
        Assert.NotEmpty(Greeted(open));
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
    public async Task A_liveness_threshold_without_liveness_is_a_one_line_error()
    {
        var result = await VisageCli.RunAsync("identify", Lfw.PhotosOf(scenario.First)[1], "--db", scenario.Db,
            "--liveness-threshold", "0.3");

        Assert.NotEqual(0, result.ExitCode);
        var error = Assert.Single(result.Err.Split('\n'), l => l.StartsWith("visage: error:", StringComparison.Ordinal));
        Assert.Contains("--liveness-threshold", error);
    }
}
