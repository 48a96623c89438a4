using System.Net.Http.Json;
using System.Text.Json;
using Visage.Server;
using Visage.Tests.TestData;

namespace Visage.Tests.Server.Cameras;

/// <summary>
/// A service for the camera tests: the scenario's gallery (two enrolled LFW people), short camera timeouts and
/// retry delays, and helpers that wait for what the API says, never for a time.
/// </summary>
internal sealed class CameraApi : IDisposable
{
    public static readonly TimeSpan Patience = TimeSpan.FromSeconds(150);

    private readonly TempFolder _gallery = new();

    public CameraApi(FaceRecognizer recognizer, string? gallery = null, Func<ServerOptions, ServerOptions>? adjust = null)
    {
        var copy = _gallery.File("gallery.db");
        if (gallery is not null) File.Copy(gallery, copy);
        Host = new ServiceHost(recognizer, options =>
        {
            var changed = options with
            {
                Gallery = copy,
                CameraTimings = new CameraTimings
                {
                    Open = TimeSpan.FromSeconds(8),
                    Stall = TimeSpan.FromSeconds(4),
                    FirstRetry = TimeSpan.FromMilliseconds(200),
                    MaxRetry = TimeSpan.FromSeconds(1),
                },
                WebhookTimings = new WebhookTimings
                {
                    Timeout = TimeSpan.FromSeconds(2), Attempts = 3, FirstRetry = TimeSpan.FromMilliseconds(100),
                },
            };
            return adjust?.Invoke(changed) ?? changed;
        });
        Admin = Host.Admin();
    }

    public ServiceHost Host { get; }
    public HttpClient Admin { get; }

    public async Task<JsonElement> AddCameraAsync(object request)
    {
        var response = await Admin.PostAsJsonAsync("/api/cameras", request);
        var body = await response.Content.ReadAsStringAsync();
        Assert.True((int)response.StatusCode == 201, body);
        return JsonDocument.Parse(body).RootElement;
    }

    public async Task<JsonElement> CameraAsync(string id) => await (await Admin.GetAsync($"/api/cameras/{id}")).JsonAsync();

    public async Task<List<JsonElement>> EventsAsync(string query = "")
    {
        var page = await (await Admin.GetAsync($"/api/events?limit=500{query}")).JsonAsync();
        return page.GetProperty("events").EnumerateArray().Reverse().ToList(); // oldest first
    }

    /// <summary>Polls the event list until <paramref name="done"/> holds of it (oldest first); fails with the events seen.</summary>
    public async Task<List<JsonElement>> WaitForEventsAsync(string what, Func<List<JsonElement>, bool> done, string query = "")
    {
        using var limit = new CancellationTokenSource(Patience);
        while (true)
        {
            var events = await EventsAsync(query);
            if (done(events)) return events;
            if (limit.IsCancellationRequested)
                throw new TimeoutException($"no {what} after {Patience.TotalSeconds} s; events: " +
                                           string.Join("\n", events.Select(e => e.GetRawText())));
            await Task.Delay(200);
        }
    }

    /// <summary>Polls a camera until its status satisfies <paramref name="done"/>.</summary>
    public async Task<JsonElement> WaitForCameraAsync(string id, string what, Func<JsonElement, bool> done)
    {
        using var limit = new CancellationTokenSource(Patience);
        while (true)
        {
            var camera = await CameraAsync(id);
            if (done(camera.GetProperty("status"))) return camera;
            if (limit.IsCancellationRequested)
                throw new TimeoutException($"camera {id}: not {what} after {Patience.TotalSeconds} s: {camera.GetRawText()}");
            await Task.Delay(200);
        }
    }

    public static string Kind(JsonElement e) => e.GetProperty("event").GetString()!;

    public static string[] Names(JsonElement e) => e.GetProperty("people").EnumerateArray().Select(p => p.GetString()!).ToArray();

    public static bool IsGreetingOf(JsonElement e, string person) => Kind(e) == "greeting" && Names(e).Contains(person);

    public void Dispose()
    {
        Admin.Dispose();
        Host.Dispose();
        _gallery.Dispose();
    }
}
