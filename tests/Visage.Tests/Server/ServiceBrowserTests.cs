using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Playwright;

namespace Visage.Tests.Server;

/// <summary>
/// The page in a real browser (Debian's Chromium, headless): the live view recognises and greets an enrolled
/// LFW person on the fake camera and never a stranger, the people view enrolls by drag and drop and deletes,
/// the API reference renders from the service alone; every request stays on 127.0.0.1, and a screenshot of
/// each view is written to <see cref="BrowserFixture.ScreenshotFolder"/>. Waits are for states, never timings.
/// </summary>
[Collection(ServiceCollection.Name)]
public sealed class ServiceBrowserTests(ServiceRecognizerFixture recognizer, BrowserFixture fixture)
    : IClassFixture<BrowserFixture>, IAsyncLifetime
{
    private readonly List<string> _offHost = [];
    private IBrowserContext _context = null!;
    private IPage _page = null!;

    public async Task InitializeAsync()
    {
        await fixture.StartAsync(recognizer.Recognizer);
        _context = await fixture.NewContextAsync("camera");
        // Anything that would leave 127.0.0.1 is recorded and stopped (there is no network to reach anyway).
        await _context.RouteAsync("**/*", async route =>
        {
            var url = new Uri(route.Request.Url);
            if (url.Scheme is "http" or "https" && url.Host != "127.0.0.1")
            {
                lock (_offHost) _offHost.Add(route.Request.Url);
                await route.AbortAsync();
            }
            else await route.ContinueAsync();
        });
        _page = await _context.NewPageAsync();
    }

    public async Task DisposeAsync()
    {
        await _context.CloseAsync();
        Assert.True(_offHost.Count == 0, "requests off 127.0.0.1: " + string.Join(", ", _offHost));
    }

    private HttpClient Api() => fixture.AdminApi();

    private async Task SignInAsync(string view)
    {
        await _page.GotoAsync($"{fixture.BaseUrl}/#{view}");
        await _page.FillAsync("#key", fixture.AdminKey);
        await _page.ClickAsync("#signin-form button[type=submit]");
        await _page.WaitForSelectorAsync("#tabs:not([hidden])");
    }

    private Task ScreenshotAsync(string name) =>
        _page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(BrowserFixture.ScreenshotFolder, name), FullPage = true });

    /// <summary>Drops files on an element the way a browser does: a drop event whose DataTransfer holds them.</summary>
    private async Task DropAsync(string selector, params string[] paths)
    {
        var files = paths.Select(p => new { name = Path.GetFileName(p), data = Convert.ToBase64String(File.ReadAllBytes(p)) }).ToArray();
        var transfer = await _page.EvaluateHandleAsync("""
            files => {
              const transfer = new DataTransfer();
              for (const f of files) {
                const bytes = Uint8Array.from(atob(f.data), c => c.charCodeAt(0));
                transfer.items.add(new File([bytes], f.name, { type: 'image/jpeg' }));
              }
              return transfer;
            }
            """, files);
        await _page.DispatchEventAsync(selector, "dragover", new { dataTransfer = transfer });
        await _page.DispatchEventAsync(selector, "drop", new { dataTransfer = transfer });
    }

    [Fact]
    public async Task The_live_view_greets_the_enrolled_person_on_the_camera_once_and_never_the_stranger()
    {
        var known = fixture.Known;
        using var api = Api();
        var enrolled = await api.PostAsync($"/api/people/{known.Person}/faces", Http.Photos("photos", known.Photos[0]));
        Assert.True(enrolled.IsSuccessStatusCode, await enrolled.Content.ReadAsStringAsync());

        await SignInAsync("live");
        await _page.ClickAsync("#live-start");
        // The clip shows the enrolled person for 8 s, then the stranger for 6 s, and loops: wait for the greeting,
        // and for the stranger to have been in view for more frames than a greeting needs.
        await _page.WaitForSelectorAsync("#greetings li");
        await _page.WaitForFunctionAsync("() => Number(document.querySelector('#live-stats').dataset.unknown) >= 6",
            null, new PageWaitForFunctionOptions { Timeout = BrowserFixture.Patience });
        await _page.WaitForSelectorAsync("#strangers .stranger");
        await ScreenshotAsync("live.png");
        await BlurredScreenshotAsync("readme-live-blurred.png", "video, #strangers img");

        var greetings = await _page.EvalOnSelectorAllAsync<string[]>("#greetings li", "items => items.map(i => i.dataset.people)");
        Assert.Single(greetings); // greeted once: the cooldown (10 minutes) holds while the clip loops
        Assert.Equal([known.Person], JsonSerializer.Deserialize<string[]>(greetings[0])!);
        Assert.Contains($"Welcome {known.Person.Replace('_', ' ')}, have a nice day.", await _page.InnerTextAsync("#greetings li"));

        // The stranger's first frame was kept: naming it enrolls that face.
        await _page.FillAsync("#strangers .stranger input", "Visitor");
        await _page.ClickAsync("#strangers .stranger button:text('Enroll')");
        await _page.WaitForSelectorAsync("#toast:has-text('Visitor enrolled')");
        var visitor = await api.GetFromJsonAsync<JsonElement>("/api/people/Visitor");
        Assert.Equal(1, visitor.GetProperty("faces").GetInt32());
        await _page.ClickAsync("#live-stop");
        Assert.Equal(System.Net.HttpStatusCode.OK, (await api.DeleteAsync("/api/people/Visitor")).StatusCode);
        Assert.Equal(System.Net.HttpStatusCode.OK, (await api.DeleteAsync($"/api/people/{known.Person}")).StatusCode);
    }

    [Fact]
    public async Task The_cameras_view_adds_a_camera_shows_its_live_preview_and_status_and_the_events_view_its_greetings_and_strangers()
    {
        var known = fixture.Known;
        using var api = Api();
        var enrolled = await api.PostAsync($"/api/people/{known.Person}/faces", Http.Photos("photos", known.Photos[0]));
        Assert.True(enrolled.IsSuccessStatusCode, await enrolled.Content.ReadAsStringAsync());
        using var clips = new Visage.Tests.TestData.TempFolder();
        var clip = clips.File("hall.avi");
        Visage.Tests.Video.TestVideos.Write(clip, 10, new OpenCvSharp.Size(250, 250),
            [new(Visage.Tests.Video.TestVideos.Photo(known.Photos[1]), 20), new(Visage.Tests.Video.TestVideos.Photo(fixture.Stranger.Photos[0]), 20)]);

        await SignInAsync("cameras");
        await _page.FillAsync("#camera-field-name", "Hall");
        await _page.FillAsync("#camera-field-source", clip);
        await _page.FillAsync("#camera-field-cooldown", "2"); // greeted again on each pass of the 4 s clip: events keep coming
        await _page.ClickAsync("#camera-save");
        await _page.WaitForSelectorAsync("#cameras-grid .camera .state.connected");
        // The preview is the service's MJPEG stream, shown by the browser itself; the status counts frames.
        await _page.WaitForFunctionAsync("() => document.querySelector('#cameras-grid img.preview').naturalWidth === 250",
            null, new PageWaitForFunctionOptions { Timeout = BrowserFixture.Patience });
        await _page.WaitForFunctionAsync("() => / [1-9][0-9]* greetings/.test(document.querySelector('#cameras-grid .stats').textContent)",
            null, new PageWaitForFunctionOptions { Timeout = BrowserFixture.Patience });
        await ScreenshotAsync("cameras.png");
        await BlurredScreenshotAsync("readme-cameras-blurred.png", "#cameras-grid img.preview");

        await _page.ClickAsync("#tabs button[data-view=events]");
        await _page.WaitForSelectorAsync($"#events-table tr.greeting:has-text('{known.Person}')");
        await _page.WaitForSelectorAsync("#unknown-grid .stranger img");
        // Events that happen while the view is open arrive over Server-Sent Events, without a reload.
        var rows = await _page.EvalOnSelectorAllAsync<int>("#events-table tr.event", "rows => rows.length");
        await _page.WaitForFunctionAsync($"() => document.querySelectorAll('#events-table tr.event').length > {rows}",
            null, new PageWaitForFunctionOptions { Timeout = BrowserFixture.Patience });
        Assert.Contains("(live)", await _page.InnerTextAsync("#events-live"));
        await ScreenshotAsync("events.png");
        await BlurredScreenshotAsync("readme-events-blurred.png", "#unknown-grid img, #events-table img");
        Assert.Equal(0, await _page.Locator("#events-table td.liveness .check").CountAsync());

        // Liveness ticked in the camera's form: stored, shown on its card, and its events show each face's check.
        await _page.ClickAsync("#tabs button[data-view=cameras]");
        await _page.ClickAsync("#cameras-grid .camera button[data-action=edit]");
        Assert.False(await _page.IsCheckedAsync("#camera-field-liveness"));
        await _page.CheckAsync("#camera-field-liveness");
        await _page.ClickAsync("#camera-save");
        await _page.WaitForSelectorAsync("#cameras-grid .camera .source:has-text('liveness checked')");
        var camera = (await api.GetFromJsonAsync<JsonElement>("/api/cameras")).GetProperty("cameras")[0];
        Assert.True(camera.GetProperty("liveness").GetBoolean());
        await _page.ClickAsync("#cameras-grid .camera button[data-action=edit]");
        Assert.True(await _page.IsCheckedAsync("#camera-field-liveness"));
        await _page.ClickAsync("#camera-cancel");
        await _page.ClickAsync("#tabs button[data-view=events]");
        var check = await _page.WaitForSelectorAsync("#events-table td.liveness .check");
        Assert.Matches(@"^(live|not live) [01]\.\d\d$", (await check!.InnerTextAsync()).Trim());
        await ScreenshotAsync("events-liveness.png");

        await _page.ClickAsync("#tabs button[data-view=cameras]");
        await _page.ClickAsync("#cameras-grid .camera button[data-action=remove]");
        await _page.ClickAsync("#confirm-yes");
        await _page.WaitForSelectorAsync("#cameras-empty:not([hidden])");
        Assert.Equal(0, (await api.GetFromJsonAsync<JsonElement>("/api/cameras")).GetProperty("cameras").GetArrayLength());
        Assert.Equal(System.Net.HttpStatusCode.OK, (await api.DeleteAsync($"/api/people/{known.Person}")).StatusCode);
    }

    [Fact]
    public async Task The_people_view_enrolls_by_drag_and_drop_and_deletes_after_a_confirmation_that_says_it_erases()
    {
        var known = fixture.Known;
        await SignInAsync("people");
        await _page.FillAsync("#new-name", "Dropped Person");
        await DropAsync("#new-drop", known.Photos[0], known.Photos[1]);
        var card = "article.person[data-name='Dropped Person']";
        await _page.WaitForSelectorAsync($"{card} .count:text('2 photos')");

        await DropAsync(card, known.Photos[2]);
        await _page.WaitForSelectorAsync($"{card} .count:text('3 photos')");
        await _page.WaitForFunctionAsync(
            "sel => { const img = document.querySelector(sel); return img && img.complete && img.naturalWidth > 0; }",
            $"{card} img.thumb");
        await ScreenshotAsync("people.png");
        await BlurredScreenshotAsync("readme-people-blurred.png", "img");

        await _page.ClickAsync($"{card} button[data-action=delete]");
        var warning = await _page.InnerTextAsync("#confirm-text");
        Assert.Contains("erases every photo and encoding of Dropped Person", warning);
        await _page.ClickAsync("#confirm-yes");
        await _page.WaitForSelectorAsync(card, new PageWaitForSelectorOptions { State = WaitForSelectorState.Detached });
        using var api = Api();
        Assert.Equal(System.Net.HttpStatusCode.NotFound, (await api.GetAsync("/api/people/Dropped%20Person")).StatusCode);
        Assert.Empty(fixture.Service.People.Faces("Dropped Person"));
    }

    /// <summary>
    /// A picture for the README: the view with every face (the elements <paramref name="faces"/> selects)
    /// blurred, so that no LFW face goes into the repository.
    /// </summary>
    private async Task BlurredScreenshotAsync(string name, string faces)
    {
        // Through the CSSOM: the page's Content-Security-Policy refuses inline style sheets.
        const string blur = "([selector, on]) => document.querySelectorAll(selector).forEach(e => { e.style.filter = on ? 'blur(9px)' : ''; })";
        await _page.EvaluateAsync(blur, new object[] { faces, true });
        await ScreenshotAsync(name);
        await _page.EvaluateAsync(blur, new object[] { faces, false });
    }

    [Fact]
    public async Task Try_it_shows_every_face_with_its_name_and_distance_and_settings_show_threshold_and_keys()
    {
        var known = fixture.Known;
        using var api = Api();
        await api.PostAsync($"/api/people/{known.Person}/faces", Http.Photos("photos", known.Photos[0]));

        await SignInAsync("try");
        await _page.SetInputFilesAsync("#try-file", known.Photos[1]);
        await _page.WaitForSelectorAsync("#try-faces tbody tr");
        Assert.Equal(known.Person, await _page.InnerTextAsync("#try-faces tbody tr td.known"));
        Assert.Matches(@"^0\.\d{3}$", await _page.InnerTextAsync("#try-faces tbody tr td:nth-child(3)"));
        await ScreenshotAsync("try.png");

        await _page.ClickAsync("#tabs button[data-view=settings]");
        await _page.WaitForSelectorAsync("#keys-table tbody tr");
        Assert.Equal(fixture.Service.Recognizer.ModelThreshold.ToString("0.0000", System.Globalization.CultureInfo.InvariantCulture),
            await _page.InnerTextAsync("#threshold-value"));
        Assert.Equal("0.5", await _page.InnerTextAsync("#liveness-threshold"));
        await _page.FillAsync("#key-name", "front door");
        await _page.ClickAsync("#key-form button[type=submit]");
        await _page.WaitForSelectorAsync("#new-key:has-text('visage_')");
        await _page.WaitForSelectorAsync("#keys-table td:text('front door')");
        await ScreenshotAsync("settings.png");
        await api.DeleteAsync($"/api/people/{known.Person}");
    }

    [Fact]
    public async Task The_api_reference_renders_from_the_service_alone()
    {
        await SignInAsync("try");
        var requests = new List<string>();
        _page.Request += (_, request) => { lock (requests) requests.Add(request.Url); };
        await _page.GotoAsync($"{fixture.BaseUrl}/docs/");
        await _page.WaitForSelectorAsync(".opblock-summary-path[data-path='/api/recognize']");
        await ScreenshotAsync("docs.png");
        lock (requests)
        {
            Assert.Contains(requests, r => r.EndsWith("/openapi/v1.json", StringComparison.Ordinal));
            Assert.All(requests, r => Assert.True(r.StartsWith(fixture.BaseUrl + "/", StringComparison.Ordinal)
                                                  || r.StartsWith("data:", StringComparison.Ordinal), r));
        }
    }
}
