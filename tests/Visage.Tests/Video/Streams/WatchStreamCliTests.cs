using System.Text.Json;
using Visage.Tests.Cli;
using Visage.Tests.TestData;

namespace Visage.Tests.Video.Streams;

/// <summary>
/// <c>visage watch --url</c> on cameras made of real servers on loopback, showing LFW people: an RTSP server
/// (Debian's rtsp-server-perl) fed live by <c>ffmpeg -re</c>, and MJPEG over HTTP from <c>ffmpeg -listen 1</c>.
/// The tests wait for what the event log says, never for a time.
/// </summary>
[Collection(CliCollection.Name)]
public sealed class WatchStreamCliTests(WatchScenarioFixture scenario) : IClassFixture<WatchScenarioFixture>, IDisposable
{
    private const string Password = "Door-Bell-77";

    private readonly TempFolder _temp = new();

    public void Dispose() => _temp.Dispose();

    private static string Kind(JsonElement e) => e.GetProperty("event").GetString()!;

    private static string[] Names(JsonElement e) =>
        e.GetProperty("people").EnumerateArray().Select(n => n.GetString()!).ToArray();

    private static bool IsGreetingOf(JsonElement e, string person) => Kind(e) == "greeting" && Names(e).Contains(person);

    private static bool ShowsAStranger(JsonElement e) =>
        Kind(e) == "recognition" && e.GetProperty("faces").EnumerateArray().Any(f => !f.GetProperty("known").GetBoolean());

    private static bool Recognises(JsonElement e, string person) => Kind(e) == "recognition" && Names(e).Contains(person);

    /// <summary>Waits until at least <paramref name="count"/> events from position <paramref name="from"/> on match.</summary>
    private static Task<int> WaitForCountAsync(WatchProcess watch, string what, int count, Func<JsonElement, bool> match,
        int from = 0) =>
        watch.WaitUntilAsync(what, events => events.Skip(from).Count(match) >= count ? count : null);

    private static List<string[]> Greetings(IEnumerable<JsonElement> events) =>
        events.Where(e => Kind(e) == "greeting").Select(Names).ToList();

    [Fact]
    public async Task An_rtsp_camera_greets_through_an_outage_once_each_and_never_the_stranger()
    {
        var events = _temp.File("events.jsonl");
        var server = await PerlRtspServer.StartAsync();
        var publisher = FfmpegTool.PublishRtsp(scenario.ArrivalClip, server.PublishUrl("door"));
        try
        {
            await FfmpegTool.WaitUntilPlayableAsync(server.PlayUrl("door"), publisher);
            await using var watch = WatchProcess.Start(events, "--url", server.PlayUrl("door", $"doorbell:{Password}"),
                "--rtsp-transport", "udp", "--db", scenario.Db, "--events-all", "--json");

            // Before the outage: the first person is greeted; the stranger is seen, several times, and never greeted.
            await watch.WaitForAsync($"a greeting of {scenario.First}", e => IsGreetingOf(e, scenario.First));
            await WaitForCountAsync(watch, "five frames with the stranger", 5, ShowsAStranger);

            // The camera's server dies mid-clip, and comes back a little later playing another scene.
            server.Kill();
            publisher.Kill();
            var down = await watch.WaitForAsync("a disconnection", e => Kind(e) == "disconnected");
            await watch.WaitForAsync("a failed reconnection attempt", e => Kind(e) == "retrying");
            server = await PerlRtspServer.StartAsync(server.ClientPort, server.SourcePort);
            publisher.Dispose();
            publisher = FfmpegTool.PublishRtsp(scenario.ReturnClip, server.PublishUrl("door"));
            var back = await watch.WaitForAsync("the reconnection", e => Kind(e) == "reconnected");

            // After it: the second person, who appears only now, is greeted; the first, back inside the cooldown, is not.
            var second = await watch.WaitForAsync($"a greeting of {scenario.Second}", e => IsGreetingOf(e, scenario.Second));
            await WaitForCountAsync(watch, $"five frames with {scenario.First} after the outage", 5,
                e => Recognises(e, scenario.First), from: back);
            var result = await watch.InterruptAsync();

            Assert.True(result.ExitCode == 0, result.ToString());
            var log = watch.Events;
            Assert.Equal([[scenario.First], [scenario.Second]], Greetings(log));
            Assert.True(second > back, "the second person was greeted before the reconnection");
            Assert.True(down < back);
            Assert.Equal("ended", log[down].GetProperty("connection").GetProperty("reason").GetString());
            Assert.True(log[back].GetProperty("connection").GetProperty("downSeconds").GetDouble() > 0);
            Assert.True(log[back].GetProperty("connection").GetProperty("attempt").GetInt32() >= 2);
            Assert.Equal(JsonValueKind.Null, log[second].GetProperty("connection").ValueKind);
            Assert.DoesNotContain(log, e => Kind(e) == "greeting" && Names(e).Contains(scenario.Stranger));
            // Frames go on being numbered through the outage.
            Assert.True(log[second].GetProperty("frame").GetInt64() > log[back].GetProperty("frame").GetInt64());

            var summary = result.Json;
            Assert.Equal("interrupted", summary.GetProperty("ending").GetString());
            Assert.Equal(2, summary.GetProperty("greetings").GetInt32());
            Assert.True(summary.GetProperty("disconnections").GetInt32() >= 1);
            Assert.True(summary.GetProperty("reconnections").GetInt32() >= 1);
            Assert.Contains("reconnected after", result.Err);

            // The password is nowhere: not in the summary, the messages or the events; the user name is.
            Assert.DoesNotContain(Password, result.Out + result.Err + File.ReadAllText(events));
            Assert.Equal(server.PlayUrl("door", "doorbell:***"), log[down].GetProperty("source").GetString());
        }
        finally
        {
            publisher.Dispose();
            server.Dispose();
        }
    }

    [Fact]
    public async Task An_mjpeg_camera_over_http_greets_the_enrolled_person_once_and_never_the_stranger()
    {
        var events = _temp.File("events.jsonl");
        var port = LocalPorts.Free();
        using var server = await FfmpegTool.ServeMjpegAsync(scenario.ArrivalClip, port);
        await using var watch = WatchProcess.Start(events, "--url", $"http://127.0.0.1:{port}/video.mjpg",
            "--db", scenario.Db, "--events-all", "--json");

        await watch.WaitForAsync($"a greeting of {scenario.First}", e => IsGreetingOf(e, scenario.First));
        await WaitForCountAsync(watch, "five frames with the stranger", 5, ShowsAStranger);
        // Once more round the loop: the first person is seen again, within the cooldown.
        var stranger = await watch.WaitForAsync("the stranger", ShowsAStranger);
        await WaitForCountAsync(watch, $"{scenario.First} again", 5, e => Recognises(e, scenario.First), from: stranger);
        var result = await watch.InterruptAsync();

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Equal([[scenario.First]], Greetings(watch.Events));
        Assert.Equal(0, result.Json.GetProperty("disconnections").GetInt32());
    }

    [Fact]
    public async Task A_camera_that_refuses_the_password_at_the_start_is_a_one_line_error()
    {
        var clip = _temp.File("door.mkv");
        FfmpegTool.ToH264(scenario.AviVideo, clip);
        using var server = await GstRtspServer.StartAsync(clip, "doorbell", "another-password");

        var result = await VisageCli.RunAsync("watch", "--url", server.Url("doorbell", Password), "--db", scenario.Db,
            "--no-window", "--voice", "none");

        Assert.Equal(1, result.ExitCode);
        Assert.Equal("", result.Out);
        Assert.Equal(
            $"visage: error: {server.Url("doorbell", "***")}: the user name or password was refused " +
            "(Server returned 401 Unauthorized (authorization failed))",
            result.Err.Trim());
    }
}
