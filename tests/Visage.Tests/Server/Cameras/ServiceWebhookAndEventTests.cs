using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Visage.Json;
using Visage.Server.Events;
using Visage.Server.Webhooks;
using Visage.Tests.TestData;
using Visage.Tests.Video;
using Visage.Video;
using static Visage.Tests.Server.Cameras.CameraApi;

namespace Visage.Tests.Server.Cameras;

/// <summary>
/// Webhooks against a real receiver on loopback (signatures, retries, a receiver that hangs), the stored events
/// (filters, paging, retention with their pictures), naming a stranger from a camera's crop, and the camera API's refusals.
/// </summary>
[Collection(ServiceCollection.Name)]
public sealed class ServiceWebhookAndEventTests(ServiceRecognizerFixture fixture, WatchScenarioFixture scenario)
    : IClassFixture<WatchScenarioFixture>
{
    private static readonly TimeSpan Soon = TimeSpan.FromSeconds(30);

    private static NewCameraEvent Event(WatchEventKind kind, DateTimeOffset time, string camera = "c1", string[]? people = null,
        byte[]? snapshot = null) =>
        new(kind, time, camera, "Camera " + camera, "rtsp://u:***@127.0.0.1/door", people ?? [], null,
            [new IdentifiedFaceJson(new BoxJson(1, 2, 30, 40), 0.99f, null, people?.FirstOrDefault(), people is not null, 0.4f, [])],
            null, snapshot, kind == WatchEventKind.Unknown ? [[0xFF, 0xD8, 1], [0xFF, 0xD8, 2]] : null);

    private static async Task<JsonElement> AddWebhookAsync(HttpClient admin, string url, params string[] events)
    {
        var response = await admin.PostAsJsonAsync("/api/webhooks", new { url, events = events.Length == 0 ? null : events });
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        return await response.JsonAsync();
    }

    /// <summary>The webhook's delivery log, oldest first, once it holds at least <paramref name="count"/> attempts.</summary>
    private static async Task<List<JsonElement>> DeliveriesAsync(HttpClient admin, string webhook, int count)
    {
        using var limit = new CancellationTokenSource(Soon);
        while (true)
        {
            var log = (await (await admin.GetAsync($"/api/webhooks/{webhook}/deliveries")).JsonAsync())
                .GetProperty("deliveries").EnumerateArray().Reverse().ToList();
            if (log.Count >= count) return log;
            if (limit.IsCancellationRequested) throw new TimeoutException($"{log.Count} of {count} attempts logged");
            await Task.Delay(50);
        }
    }

    [Fact]
    public async Task Webhooks_are_signed_retried_after_a_500_logged_and_a_hanging_receiver_holds_up_no_other()
    {
        using var api = new CameraApi(fixture.Recognizer,
            adjust: o => o with { WebhookTimings = o.WebhookTimings with { Timeout = TimeSpan.FromSeconds(5) } });
        await using var receiver = await WebhookReceiver.StartAsync();
        var ok = await AddWebhookAsync(api.Admin, receiver.Url("/ok"));
        var flaky = await AddWebhookAsync(api.Admin, receiver.Url("/fail-twice"), "greeting");
        var hanging = await AddWebhookAsync(api.Admin, receiver.Url("/hang"));
        var secret = ok.GetProperty("secret").GetString()!;
        Assert.Equal(64, secret.Length);
        Assert.DoesNotContain("secret", await api.Admin.GetStringAsync("/api/webhooks"));

        var recorder = api.Host.Services.GetRequiredService<EventRecorder>();
        var now = DateTimeOffset.UtcNow;
        recorder.Post(Event(WatchEventKind.Greeting, now, people: ["Ada"]));
        recorder.Post(Event(WatchEventKind.Unknown, now.AddSeconds(1)));
        recorder.Post(Event(WatchEventKind.Greeting, now.AddSeconds(2), people: ["Grace"]));

        // The good receiver has all three, in order, each signed over its exact body, while /hang still holds the first.
        var posts = await receiver.WaitForAsync("/ok", 3, Soon);
        Assert.Equal(["greeting", "unknown", "greeting"], posts.Select(p => p.Event));
        foreach (var post in posts)
        {
            Assert.True(WebhookSignature.Verify(secret, post.Body, post.Signature), post.Signature);
            Assert.False(WebhookSignature.Verify(secret + "x", post.Body, post.Signature));
            var json = JsonDocument.Parse(post.Body).RootElement;
            Assert.Equal(post.Event, json.GetProperty("event").GetString());
            Assert.Equal($"{json.GetProperty("id").GetInt64()}-{ok.GetProperty("id").GetString()}", post.Delivery);
        }
        Assert.Equal(["Ada"], JsonDocument.Parse(posts[0].Body).RootElement.GetProperty("people").EnumerateArray().Select(p => p.GetString()));
        Assert.Single(receiver.Posts, p => p.Path == "/hang");

        // The flaky receiver got each greeting three times (500, 500, then 204) and never the stranger; the log says so.
        var flakyPosts = await receiver.WaitForAsync("/fail-twice", 6, Soon);
        Assert.All(flakyPosts, p => Assert.Equal("greeting", p.Event));
        // An attempt is logged once its answer is in: the receiver may have answered the last one a moment before.
        var log = await DeliveriesAsync(api.Admin, flaky.GetProperty("id").GetString()!, 6);
        Assert.Equal([1, 2, 3, 1, 2, 3], log.Select(d => d.GetProperty("attempt").GetInt32()));
        Assert.Equal([500, 500, 204, 500, 500, 204], log.Select(d => d.GetProperty("status").GetInt32()));
        Assert.Equal([false, false, true, false, false, true], log.Select(d => d.GetProperty("delivered").GetBoolean()));
        Assert.Contains("answered 500", log[0].GetProperty("error").GetString());

        // The hanging receiver's attempts end at the timeout, are logged as such, and are retried.
        await receiver.WaitForAsync("/hang", 2, Soon);
        var hangLog = (await (await api.Admin.GetAsync($"/api/webhooks/{hanging.GetProperty("id").GetString()}/deliveries")).JsonAsync())
            .GetProperty("deliveries").EnumerateArray().ToList();
        Assert.Contains(hangLog, d => d.GetProperty("error").GetString()!.Contains("no answer within 5 s"));

        // Removing a webhook stops its posts.
        Assert.Equal(HttpStatusCode.OK, (await api.Admin.DeleteAsync($"/api/webhooks/{ok.GetProperty("id").GetString()}")).StatusCode);
        recorder.Post(Event(WatchEventKind.Greeting, now.AddSeconds(3), people: ["Ada"]));
        await receiver.WaitForAsync("/fail-twice", 7, Soon);
        Assert.Equal(3, receiver.Posts.Count(p => p.Path == "/ok"));

        var refused = await api.Admin.PostAsJsonAsync("/api/webhooks", new { url = "ftp://example.invalid/x" });
        Assert.Contains("url", (await refused.ProblemAsync(400)).Detail());
        var badKind = await api.Admin.PostAsJsonAsync("/api/webhooks", new { url = receiver.Url("/ok"), events = new[] { "party" } });
        Assert.Contains("party", (await badKind.ProblemAsync(400)).Detail());
    }

    [Fact]
    public async Task A_file_camera_greets_while_its_webhook_hangs_and_naming_its_stranger_enrolls_them_so_they_are_greeted()
    {
        using var api = new CameraApi(fixture.Recognizer, scenario.Db);
        await using var receiver = await WebhookReceiver.StartAsync();
        await AddWebhookAsync(api.Admin, receiver.Url("/hang"));
        await AddWebhookAsync(api.Admin, receiver.Url("/ok"), "greeting");

        var camera = await api.AddCameraAsync(new { name = "Hall", source = scenario.ArrivalClip, cooldownSeconds = 600 });
        var id = camera.GetProperty("id").GetString()!;

        // Recognition goes on while the hanging receiver holds its first post: the greeting reaches the other receiver.
        var greeted = await receiver.WaitForAsync("/ok", 1, CameraApi.Patience);
        Assert.Equal(scenario.First, JsonDocument.Parse(greeted[0].Body).RootElement.GetProperty("people")[0].GetString());
        Assert.Contains(receiver.Posts, p => p.Path == "/hang");
        var strangers = await api.WaitForEventsAsync("a stranger", e => e.Count > 0, "&event=unknown");
        var stranger = strangers[0];
        // The camera handed the stranger to the service's Strangers too, to be grouped with the others seen.
        await api.Host.Service.Strangers.FlushAsync();
        Assert.True(api.Host.Service.Strangers.FaceCount >= 1);
        var listed = (await (await api.Admin.GetAsync("/api/unknown")).JsonAsync()).GetProperty("events");
        Assert.Contains(listed.EnumerateArray(), e => e.GetProperty("id").GetInt64() == stranger.GetProperty("id").GetInt64());

        // A recognize key may not name anybody; an admin names the stranger, which enrolls that face.
        var recognize = api.Host.Client(api.Host.NewKey(Visage.Server.Security.ApiKeyRole.Recognize));
        var path = $"/api/unknown/{stranger.GetProperty("id").GetInt64()}/name";
        await (await recognize.PostAsJsonAsync(path, new { person = "Visitor" })).ProblemAsync(403);
        var named = await api.Admin.PostAsJsonAsync(path, new { person = "Visitor" });
        var answer = await named.JsonAsync();
        Assert.True(named.StatusCode == HttpStatusCode.OK, answer.GetRawText());
        Assert.Equal("enrolled", answer.GetProperty("enrollment").GetProperty("status").GetString());
        Assert.Equal("Visitor", answer.GetProperty("event").GetProperty("person").GetString());
        Assert.DoesNotContain((await (await api.Admin.GetAsync("/api/unknown")).JsonAsync()).GetProperty("events").EnumerateArray(),
            e => e.GetProperty("id").GetInt64() == stranger.GetProperty("id").GetInt64());

        // The next visit (the file plays again) is a greeting by name; the first person, back on each pass of the
        // file, is not greeted again inside the cooldown (the camera's vote outlives each pass).
        var events = await api.WaitForEventsAsync("a greeting of the named stranger", e => e.Any(x => IsGreetingOf(x, "Visitor")));
        Assert.Single(events, e => IsGreetingOf(e, scenario.First));
        Assert.Single(events, e => Kind(e) == "connected");
        var status = (await api.CameraAsync(id)).GetProperty("status");
        Assert.True(status.GetProperty("framesRecognised").GetInt64() > 0);
        Assert.Equal(HttpStatusCode.OK, (await api.Host.Client(null).GetAsync("/health")).StatusCode);

        var wrongFace = await api.Admin.PostAsJsonAsync(path, new { person = "Visitor", face = 9 });
        Assert.Contains("face", (await wrongFace.ProblemAsync(400)).Detail());
        await (await api.Admin.PostAsJsonAsync("/api/unknown/999999/name", new { person = "X" })).ProblemAsync(404);
    }

    [Fact]
    public async Task Events_are_filtered_paged_and_deleted_with_their_pictures_past_the_retention()
    {
        using var api = new CameraApi(fixture.Recognizer, adjust: o => o with { RunCameras = false, Retention = TimeSpan.FromDays(30) });
        var store = api.Host.Services.GetRequiredService<EventStore>();
        var recorder = api.Host.Services.GetRequiredService<EventRecorder>();
        var now = DateTimeOffset.UtcNow;
        var jpeg = new byte[] { 0xFF, 0xD8, 0xFF, 0xD9 };
        store.Add(Event(WatchEventKind.Greeting, now.AddDays(-40), people: ["Ada"], snapshot: jpeg));
        store.Add(Event(WatchEventKind.Unknown, now.AddDays(-31), snapshot: jpeg));
        for (var i = 0; i < 7; i++)
            store.Add(Event(i % 2 == 0 ? WatchEventKind.Greeting : WatchEventKind.Disconnected, now.AddMinutes(-i),
                camera: i < 4 ? "c1" : "c2", people: i % 2 == 0 ? ["Grace"] : null, snapshot: i % 2 == 0 ? jpeg : null));
        Assert.Equal(1 + 3 + 4, store.PictureCount()); // snapshots, and an unknown face's two crops

        var page = await (await api.Admin.GetAsync("/api/events?limit=3&camera=c1")).JsonAsync();
        var ids = page.GetProperty("events").EnumerateArray().Select(e => e.GetProperty("id").GetInt64()).ToList();
        Assert.Equal(3, ids.Count);
        Assert.Equal(ids.OrderDescending(), ids);
        var next = page.GetProperty("next").GetInt64();
        var rest = await (await api.Admin.GetAsync($"/api/events?limit=3&camera=c1&before={next}")).JsonAsync();
        Assert.Equal(3, rest.GetProperty("events").GetArrayLength()); // one of today and the two old ones
        Assert.Equal(JsonValueKind.Null, rest.GetProperty("next").ValueKind);
        var grace = await (await api.Admin.GetAsync("/api/events?event=greeting&person=Grace")).JsonAsync();
        Assert.Equal(4, grace.GetProperty("events").GetArrayLength());
        var since = Uri.EscapeDataString(now.AddDays(-35).ToString("O"));
        var recent = await (await api.Admin.GetAsync($"/api/events?since={since}")).JsonAsync();
        Assert.Equal(8, recent.GetProperty("events").GetArrayLength());
        await (await api.Admin.GetAsync("/api/events?event=party")).ProblemAsync(400);
        await (await api.Admin.GetAsync("/api/events?limit=0")).ProblemAsync(400);
        var old = await (await api.Admin.GetAsync("/api/events?event=greeting&person=Ada")).JsonAsync();
        var oldId = old.GetProperty("events")[0].GetProperty("id").GetInt64();
        Assert.Equal(HttpStatusCode.OK, (await api.Admin.GetAsync($"/api/events/{oldId}/snapshot.jpg")).StatusCode);

        // Past 30 days: both old events go, with their snapshot and crops; the rest stay.
        Assert.Equal(2, recorder.Sweep());
        Assert.Equal(7, (await (await api.Admin.GetAsync("/api/events")).JsonAsync()).GetProperty("events").GetArrayLength());
        Assert.Equal(4, store.PictureCount());
        await (await api.Admin.GetAsync($"/api/events/{oldId}/snapshot.jpg")).ProblemAsync(404);
    }

    [Fact]
    public async Task Cameras_are_added_changed_disabled_and_removed_and_bad_settings_are_refused_naming_the_field()
    {
        using var api = new CameraApi(fixture.Recognizer, adjust: o => o with { RunCameras = false });
        var admin = api.Admin;
        var camera = await api.AddCameraAsync(new { name = "Gate", source = "rtsp://gate:Secret-99@192.0.2.7:554/stream1", minFaceSize = 40 });
        var id = camera.GetProperty("id").GetString()!;
        Assert.Equal("rtsp://gate:***@192.0.2.7:554/stream1", camera.GetProperty("source").GetString());
        Assert.Equal(40, camera.GetProperty("minFaceSize").GetInt32());
        Assert.Equal(600, camera.GetProperty("cooldownSeconds").GetDouble());
        Assert.True(camera.GetProperty("enabled").GetBoolean());
        Assert.False(camera.GetProperty("greetAloud").GetBoolean());
        Assert.Equal($"/api/cameras/{id}/preview.mjpg", camera.GetProperty("preview").GetString());

        // Sending the masked source back keeps the password; the store still has it, the API never shows it.
        var changed = await (await admin.PatchAsJsonAsync($"/api/cameras/{id}",
            new { source = "rtsp://gate:***@192.0.2.7:554/stream1", cooldownSeconds = 30, greetAloud = true, confirmFrames = 2 })).JsonAsync();
        Assert.Equal(30, changed.GetProperty("cooldownSeconds").GetDouble());
        Assert.True(changed.GetProperty("greetAloud").GetBoolean());
        var stored = api.Host.Services.GetRequiredService<Visage.Server.Cameras.CameraStore>().Find(id)!;
        Assert.Equal("rtsp://gate:Secret-99@192.0.2.7:554/stream1", stored.Source);
        Assert.DoesNotContain("Secret-99", await admin.GetStringAsync("/api/cameras"));

        var disabled = await (await admin.PostAsync($"/api/cameras/{id}/disable", null)).JsonAsync();
        Assert.False(disabled.GetProperty("enabled").GetBoolean());
        Assert.Equal("disabled", disabled.GetProperty("status").GetProperty("state").GetString());
        Assert.True((await (await admin.PostAsync($"/api/cameras/{id}/enable", null)).JsonAsync()).GetProperty("enabled").GetBoolean());

        async Task Refused(object request, string field, int status = 400)
        {
            var problem = await (await admin.PostAsJsonAsync("/api/cameras", request)).ProblemAsync(status);
            Assert.Equal(field, problem.GetProperty("field").GetString());
        }
        await Refused(new { name = "x" }, "source");
        await Refused(new { name = "x", source = "ftp://cam/1" }, "source");
        await Refused(new { name = "x", source = "/no/such/clip.mp4" }, "source");
        await Refused(new { name = "x", source = "clip.mp4" }, "source");
        await Refused(new { name = "", source = "rtsp://cam/1" }, "name");
        await Refused(new { name = "x", source = "rtsp://cam/1", confirmFrames = 6 }, "confirmFrames");
        await Refused(new { name = "x", source = "rtsp://cam/1", windowFrames = 0 }, "windowFrames");
        await Refused(new { name = "x", source = "rtsp://cam/1", cooldownSeconds = -1 }, "cooldownSeconds");
        await Refused(new { name = "x", source = "rtsp://cam/1", minFaceSize = -3 }, "minFaceSize");
        await Refused(new { name = "x", source = "rtsp://cam/1", rtspTransport = "smoke" }, "rtspTransport");
        await Refused(new { name = "Gate", source = "rtsp://cam/1" }, "name", 409);
        await (await admin.GetAsync("/api/cameras/nope")).ProblemAsync(404);
        await (await admin.GetAsync("/api/cameras/nope/preview.mjpg")).ProblemAsync(404);
        await (await admin.GetAsync($"/api/cameras/{id}/snapshot.jpg")).ProblemAsync(404);

        Assert.Equal(HttpStatusCode.OK, (await admin.DeleteAsync($"/api/cameras/{id}")).StatusCode);
        Assert.Equal(0, (await (await admin.GetAsync("/api/cameras")).JsonAsync()).GetProperty("cameras").GetArrayLength());
    }
}
