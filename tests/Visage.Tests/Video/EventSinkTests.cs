using System.Text.Json;
using Visage.Detection;
using Visage.Tests.TestData;
using Visage.Video;

namespace Visage.Tests.Video;

/// <summary>The events file and the greeting hook: JSON lines, order, and failures that do not stop anything.</summary>
public sealed class EventSinkTests : IDisposable
{
    private readonly TempFolder _temp = new();

    public void Dispose() => _temp.Dispose();

    private static WatchEvent Greeting(long frame, params string[] names) => new(
        WatchEventKind.Greeting, new DateTimeOffset(2026, 5, 1, 8, 30, 0, TimeSpan.Zero), frame,
        TimeSpan.FromSeconds(frame / 10.0), names,
        names.Select((n, i) => new RecognizedFace(new FaceBox(10.04f + 50 * i, 20, 30, 40), n, n, 0.61234f)).ToList(),
        $"Welcome {string.Join(" and ", names)}, have a nice day.", Snapshot: "/snaps/1.png");

    [Fact]
    public void A_greeting_is_one_line_of_json_with_time_frame_names_distances_and_boxes()
    {
        var line = WatchEventJson.Serialize(Greeting(12, "Ada"));

        Assert.DoesNotContain('\n', line);
        var json = JsonDocument.Parse(line).RootElement;
        Assert.Equal("greeting", json.GetProperty("event").GetString());
        Assert.Equal(new DateTimeOffset(2026, 5, 1, 8, 30, 0, TimeSpan.Zero), json.GetProperty("time").GetDateTimeOffset());
        Assert.Equal(12, json.GetProperty("frame").GetInt64());
        Assert.Equal(1.2, json.GetProperty("seconds").GetDouble());
        Assert.Equal("Ada", json.GetProperty("people")[0].GetString());
        Assert.Equal("Welcome Ada, have a nice day.", json.GetProperty("text").GetString());
        Assert.Equal("/snaps/1.png", json.GetProperty("snapshot").GetString());
        var face = json.GetProperty("faces")[0];
        Assert.Equal("Ada", face.GetProperty("person").GetString());
        Assert.True(face.GetProperty("known").GetBoolean());
        Assert.Equal(0.6123, face.GetProperty("distance").GetDouble(), 4);
        Assert.Equal(10.0, face.GetProperty("box").GetProperty("x").GetDouble());
        Assert.Equal(40, face.GetProperty("box").GetProperty("height").GetDouble());
    }

    [Fact]
    public void An_unknown_face_without_anybody_enrolled_has_no_name_and_no_distance()
    {
        var e = new WatchEvent(WatchEventKind.Recognition, DateTimeOffset.UtcNow, 3, TimeSpan.Zero, [],
            [new RecognizedFace(new FaceBox(1, 2, 3, 4), null, null, float.PositiveInfinity)]);

        var face = JsonDocument.Parse(WatchEventJson.Serialize(e)).RootElement.GetProperty("faces")[0];

        Assert.Equal(JsonValueKind.Null, face.GetProperty("person").ValueKind);
        Assert.False(face.GetProperty("known").GetBoolean());
        Assert.Equal(JsonValueKind.Null, face.GetProperty("distance").ValueKind);
    }

    [Fact]
    public async Task The_events_file_gets_one_line_per_event_in_order_and_is_appended_to()
    {
        var path = _temp.File("events.jsonl");
        File.WriteAllText(path, "{\"event\":\"earlier run\"}\n");
        using (var log = new EventLogSink(path, _ => { }))
        {
            log.Post(Greeting(1, "Ada"));
            log.Post(Greeting(2, "Bob"));
            await log.CompleteAsync();
        }

        var lines = File.ReadAllLines(path);
        Assert.Equal(3, lines.Length);
        Assert.Equal([1L, 2], lines.Skip(1).Select(l => JsonDocument.Parse(l).RootElement.GetProperty("frame").GetInt64()));
    }

    [Fact]
    public void An_events_file_that_cannot_be_written_is_named()
    {
        var path = _temp.File("no/such/folder/events.jsonl");

        var error = Assert.Throws<InvalidSettingException>(() => new EventLogSink(path, _ => { }));

        Assert.Equal(VisageSetting.EventLog, error.Setting);
        Assert.StartsWith($"{path}: cannot write there", error.Message);
    }

    [Fact]
    public async Task The_hook_reads_the_greeting_on_standard_input_once_per_greeting()
    {
        var received = _temp.File("received.jsonl");
        using var hook = new GreetHookSink($"cat >> '{received}'", _ => { });

        hook.Post(Greeting(1, "Ada"));
        hook.Post(Greeting(2, "Bob") with { Kind = WatchEventKind.Recognition });
        hook.Post(Greeting(3, "Cy"));
        await hook.CompleteAsync();

        Assert.Equal(["Ada", "Cy"], File.ReadAllLines(received)
            .Select(l => JsonDocument.Parse(l).RootElement.GetProperty("people")[0].GetString()));
    }

    [Fact]
    public async Task A_failing_hook_is_reported_with_its_status_and_the_next_greeting_still_runs_it()
    {
        var warnings = new List<string>();
        var ran = _temp.File("ran");
        using var hook = new GreetHookSink($"echo x >> '{ran}'; echo lock offline >&2; exit 7",
            w => { lock (warnings) warnings.Add(w); });

        hook.Post(Greeting(1, "Ada"));
        hook.Post(Greeting(2, "Bob"));
        await hook.CompleteAsync();

        Assert.Equal(2, File.ReadAllLines(ran).Length);
        Assert.Equal(2, warnings.Count);
        Assert.All(warnings, w =>
        {
            Assert.StartsWith("greeting command: ", w);
            Assert.Contains("exited with status 7", w);
            Assert.Contains("lock offline", w);
        });
    }

    [Fact]
    public async Task A_hook_that_hangs_is_stopped_at_its_time_limit_and_reported()
    {
        var warnings = new List<string>();
        using var hook = new GreetHookSink("sleep 30", w => { lock (warnings) warnings.Add(w); },
            TimeSpan.FromMilliseconds(300));
        var clock = System.Diagnostics.Stopwatch.StartNew();

        hook.Post(Greeting(1, "Ada"));
        await hook.CompleteAsync();

        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(20), $"took {clock.Elapsed}");
        Assert.Contains("still running after", Assert.Single(warnings));
    }
}
