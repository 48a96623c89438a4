using System.Net;
using System.Text.Json;
using Visage.Tests.Video;
using Visage.Tests.Video.Streams;
using static Visage.Tests.Server.Cameras.CameraApi;

namespace Visage.Tests.Server.Cameras;

/// <summary>
/// A camera of the service on real stream servers on loopback, showing LFW people (the door scenario of the watch
/// tests): Debian's rtsp-server-perl fed by <c>ffmpeg -re</c>, killed mid-clip and started again; and sources that
/// cannot work (garbage bytes, silence, a wrong password, nobody listening), each a clear status and an event while
/// the service goes on answering.
/// </summary>
[Collection(ServiceCollection.Name)]
public sealed class ServiceCameraStreamTests(ServiceRecognizerFixture fixture, WatchScenarioFixture scenario)
    : IClassFixture<WatchScenarioFixture>
{
    private const string Password = "Door-Bell-77";

    [Fact]
    public async Task An_rtsp_camera_greets_once_each_through_an_outage_never_the_stranger_and_pushes_its_events_live()
    {
        using var api = new CameraApi(fixture.Recognizer, scenario.Db);
        var server = await PerlRtspServer.StartAsync();
        var publisher = FfmpegTool.PublishRtsp(scenario.ArrivalClip, server.PublishUrl("door"));
        using var live = new EventStreamReader(api.Admin);
        try
        {
            await FfmpegTool.WaitUntilPlayableAsync(server.PlayUrl("door"), publisher);
            await live.StartAsync();
            var camera = await api.AddCameraAsync(new
            {
                name = "Front door",
                source = server.PlayUrl("door", $"doorbell:{Password}"),
                rtspTransport = "udp",
                cooldownSeconds = 600,
            });
            var id = camera.GetProperty("id").GetString()!;
            Assert.Equal(server.PlayUrl("door", "doorbell:***"), camera.GetProperty("source").GetString());

            // Before the outage: the first person is greeted; the stranger is reported as unknown, never greeted.
            await api.WaitForEventsAsync($"a greeting of {scenario.First}", e => e.Any(x => IsGreetingOf(x, scenario.First)));
            await api.WaitForEventsAsync("a stranger", e => e.Any(x => Kind(x) == "unknown"));
            var up = await api.WaitForCameraAsync(id, "connected", s => s.GetProperty("connected").GetBoolean()
                && s.GetProperty("fpsRead").GetDouble() > 0 && s.GetProperty("fpsRecognised").GetDouble() > 0);
            Assert.Equal("connected", up.GetProperty("status").GetProperty("state").GetString());
            Assert.Equal(250, up.GetProperty("status").GetProperty("width").GetInt32());

            // The live preview and the latest picture are JPEGs of the camera.
            var snapshot = await api.Admin.GetAsync($"/api/cameras/{id}/snapshot.jpg");
            Assert.Equal(HttpStatusCode.OK, snapshot.StatusCode);
            Assert.Equal("image/jpeg", snapshot.Content.Headers.ContentType?.MediaType);
            var preview = await MjpegReader.ReadPicturesAsync(api.Admin, $"/api/cameras/{id}/preview.mjpg", 3);
            Assert.All(preview, jpeg => Assert.Equal(250, OpenCvSharp.Cv2.ImDecode(jpeg, OpenCvSharp.ImreadModes.Color).Width));

            // The camera's server dies mid-clip, and comes back a little later playing another scene.
            server.Kill();
            publisher.Kill();
            await api.WaitForEventsAsync("a disconnection", e => e.Any(x => Kind(x) == "disconnected"));
            await api.WaitForCameraAsync(id, "reconnecting", s => s.GetProperty("state").GetString() == "reconnecting"
                && !s.GetProperty("connected").GetBoolean() && s.GetProperty("lastError").GetString() is { Length: > 0 });
            Assert.Equal(HttpStatusCode.OK, (await api.Host.Client(null).GetAsync("/health")).StatusCode);
            server = await PerlRtspServer.StartAsync(server.ClientPort, server.SourcePort);
            publisher.Dispose();
            publisher = FfmpegTool.PublishRtsp(scenario.ReturnClip, server.PublishUrl("door"));

            // After it: the second person, who appears only now, is greeted; the first, back inside the cooldown, is not.
            var events = await api.WaitForEventsAsync($"a greeting of {scenario.Second}", e => e.Any(x => IsGreetingOf(x, scenario.Second)));
            var recognisedThen = (await api.CameraAsync(id)).GetProperty("status").GetProperty("framesRecognised").GetInt64();
            // Once more round the return clip (the first person shows again) before looking at the greetings.
            await api.WaitForCameraAsync(id, "round the clip again", s => s.GetProperty("framesRecognised").GetInt64() > recognisedThen + 40);
            events = await api.EventsAsync();

            var greetings = events.Where(e => Kind(e) == "greeting").Select(Names).ToList();
            Assert.Equal([[scenario.First], [scenario.Second]], greetings);
            var kinds = events.Select(Kind).ToList();
            Assert.Equal("connected", kinds[0]);
            var down = kinds.IndexOf("disconnected");
            var back = kinds.IndexOf("reconnected");
            Assert.True(down > 0 && back > down, string.Join(", ", kinds));
            Assert.True(kinds.IndexOf("greeting", back) > back, "the second greeting came before the reconnection");
            Assert.True(events[back].GetProperty("connection").GetProperty("downSeconds").GetDouble() > 0);
            Assert.DoesNotContain(events, e => Kind(e) == "greeting" && Names(e).Contains(scenario.Stranger));

            // Greetings and strangers carry the annotated frame and the faces (boxes, distances); strangers their crops.
            var greeting = events.First(e => Kind(e) == "greeting");
            Assert.Equal("Front door", greeting.GetProperty("cameraName").GetString());
            var face = greeting.GetProperty("faces")[0];
            Assert.Equal(scenario.First, face.GetProperty("person").GetString());
            Assert.True(face.GetProperty("distance").GetDouble() < 1);
            Assert.True(face.GetProperty("box").GetProperty("width").GetDouble() > 20);
            var picture = await api.Admin.GetAsync(greeting.GetProperty("snapshot").GetString());
            Assert.Equal("image/jpeg", picture.Content.Headers.ContentType?.MediaType);
            var stranger = events.First(e => Kind(e) == "unknown");
            Assert.False(stranger.GetProperty("faces")[0].GetProperty("known").GetBoolean());
            var crop = await api.Admin.GetAsync(stranger.GetProperty("crops")[0].GetString());
            Assert.Equal(HttpStatusCode.OK, crop.StatusCode);

            // The page heard them live, in order, as they were stored.
            var pushed = await live.WaitForAsync(events.Count, CameraApi.Patience);
            Assert.Equal(events.Select(e => e.GetProperty("id").GetInt64()), pushed.Take(events.Count).Select(e => e.GetProperty("id").GetInt64()));

            // The password is nowhere the API shows.
            var everything = (await api.Admin.GetStringAsync("/api/cameras")) + (await api.Admin.GetStringAsync("/api/events?limit=500"));
            Assert.DoesNotContain(Password, everything);
            Assert.Contains("doorbell:***@", everything);
        }
        finally
        {
            publisher.Dispose();
            server.Dispose();
        }
    }

    [Fact]
    public async Task Garbage_silence_a_wrong_password_and_nobody_listening_are_each_a_clear_status_and_event()
    {
        using var api = new CameraApi(fixture.Recognizer, scenario.Db);
        using var garbage = RawTcpServer.Garbage();
        using var silent = RawTcpServer.Silent();
        var clip = Path.Combine(scenario.Root, "door-service.mkv");
        if (!File.Exists(clip)) FfmpegTool.ToH264(scenario.AviVideo, clip);
        using var locked = await GstRtspServer.StartAsync(clip, "doorbell", "another-password");
        var nobody = LocalPorts.Free();

        var cameras = new Dictionary<string, string>
        {
            ["garbage"] = $"rtsp://127.0.0.1:{garbage.Port}/door",
            ["silent"] = $"http://127.0.0.1:{silent.Port}/video.mjpg",
            ["password"] = locked.Url("doorbell", Password),
            ["nobody"] = $"rtsp://127.0.0.1:{nobody}/door",
        };
        var ids = new Dictionary<string, string>();
        foreach (var (name, source) in cameras)
            ids[name] = (await api.AddCameraAsync(new { name, source })).GetProperty("id").GetString()!;

        foreach (var (name, id) in ids)
        {
            var camera = await api.WaitForCameraAsync(id, "failed", s => s.GetProperty("state").GetString() == "failed"
                && s.GetProperty("lastError").GetString() is { Length: > 0 });
            var error = camera.GetProperty("status").GetProperty("lastError").GetString()!;
            Assert.DoesNotContain('\n', error);
            Assert.DoesNotContain(Password, error);
            Assert.False(camera.GetProperty("status").GetProperty("connected").GetBoolean());
            Assert.Equal(HttpStatusCode.OK, (await api.Host.Client(null).GetAsync("/health")).StatusCode);
        }
        var events = await api.WaitForEventsAsync("a down event per camera",
            e => ids.Values.All(id => e.Any(x => Kind(x) == "disconnected" && x.GetProperty("camera").GetString() == id)));
        string Down(string name) => events.First(e => e.GetProperty("camera").GetString() == ids[name])
            .GetProperty("connection").GetProperty("error").GetString()!;
        Assert.Contains("password was refused", Down("password"));
        Assert.Contains(locked.Url("doorbell", "***"), Down("password"));
        Assert.All(ids.Keys, name => Assert.Equal("failed",
            events.First(e => e.GetProperty("camera").GetString() == ids[name]).GetProperty("connection").GetProperty("reason").GetString()));
        // One down event per outage, however many attempts it takes.
        Assert.All(ids.Values, id => Assert.Single(events, e => e.GetProperty("camera").GetString() == id));
        Assert.DoesNotContain(Password, await api.Admin.GetStringAsync("/api/events?limit=500") + await api.Admin.GetStringAsync("/api/cameras"));

        // Disabling a failing camera stops it; the others carry on trying.
        var disabled = await (await api.Admin.PostAsync($"/api/cameras/{ids["nobody"]}/disable", null)).JsonAsync();
        Assert.Equal("disabled", disabled.GetProperty("status").GetProperty("state").GetString());
        Assert.Equal("failed", (await api.CameraAsync(ids["garbage"])).GetProperty("status").GetProperty("state").GetString());
    }
}

/// <summary>Reads the service's Server-Sent Events stream in the background, as the page does.</summary>
internal sealed class EventStreamReader(HttpClient client) : IDisposable
{
    private readonly CancellationTokenSource _stop = new();
    private readonly List<JsonElement> _events = [];
    private Task _reading = Task.CompletedTask;

    public async Task StartAsync()
    {
        var response = await client.SendAsync(new HttpRequestMessage(HttpMethod.Get, "/api/events/stream"),
            HttpCompletionOption.ResponseHeadersRead, _stop.Token);
        Assert.Equal("text/event-stream", response.Content.Headers.ContentType?.MediaType);
        var stream = await response.Content.ReadAsStreamAsync(_stop.Token);
        _reading = Task.Run(async () =>
        {
            using var reader = new StreamReader(stream);
            try
            {
                while (await reader.ReadLineAsync(_stop.Token) is { } line)
                    if (line.StartsWith("data: ", StringComparison.Ordinal))
                        lock (_events) _events.Add(JsonDocument.Parse(line["data: ".Length..]).RootElement.Clone());
            }
            catch (OperationCanceledException)
            {
            }
        });
    }

    public async Task<List<JsonElement>> WaitForAsync(int count, TimeSpan patience)
    {
        using var limit = new CancellationTokenSource(patience);
        while (true)
        {
            lock (_events)
                if (_events.Count >= count) return _events.ToList();
            if (limit.IsCancellationRequested || _reading.IsCompleted)
                lock (_events) throw new TimeoutException($"{_events.Count} of {count} events came over SSE");
            await Task.Delay(100);
        }
    }

    public void Dispose()
    {
        _stop.Cancel();
        _stop.Dispose();
    }
}

/// <summary>Reads pictures from a multipart/x-mixed-replace (MJPEG) response by their Content-Length, as the page does.</summary>
internal static class MjpegReader
{
    public static async Task<List<byte[]>> ReadPicturesAsync(HttpClient client, string path, int count)
    {
        using var limit = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        using var response = await client.SendAsync(new HttpRequestMessage(HttpMethod.Get, path), HttpCompletionOption.ResponseHeadersRead, limit.Token);
        Assert.Equal("multipart/x-mixed-replace", response.Content.Headers.ContentType?.MediaType);
        await using var stream = await response.Content.ReadAsStreamAsync(limit.Token);
        var pictures = new List<byte[]>();
        while (pictures.Count < count)
        {
            var length = -1;
            string line;
            while ((line = await ReadLineAsync(stream, limit.Token)) != "" || length < 0)
                if (line.StartsWith("Content-Length:", StringComparison.OrdinalIgnoreCase))
                    length = int.Parse(line["Content-Length:".Length..].Trim(), System.Globalization.CultureInfo.InvariantCulture);
            var jpeg = new byte[length];
            await stream.ReadExactlyAsync(jpeg, limit.Token);
            Assert.Equal(0xFF, jpeg[0]);
            Assert.Equal(0xD8, jpeg[1]);
            pictures.Add(jpeg);
        }
        return pictures;
    }

    private static async Task<string> ReadLineAsync(Stream stream, CancellationToken ct)
    {
        var bytes = new List<byte>();
        var one = new byte[1];
        while (true)
        {
            await stream.ReadExactlyAsync(one, ct);
            if (one[0] == '\n') return System.Text.Encoding.ASCII.GetString(bytes.ToArray()).TrimEnd('\r');
            bytes.Add(one[0]);
        }
    }
}
