using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Playwright;

namespace Visage.Tests.Server;

/// <summary>
/// The Strangers view in a real browser (Debian's Chromium, headless): LFW strangers uploaded to recognize show
/// as one strip of face crops per person; merge, split and undo from the page change the strips, and naming a
/// strip enrolls exactly its faces. Screenshots go to <see cref="BrowserFixture.ScreenshotFolder"/> (one with
/// the faces blurred, for the README). Waits are for states, never timings.
/// </summary>
[Collection(ServiceCollection.Name)]
public sealed class StrangersBrowserTests(ServiceRecognizerFixture recognizer, BrowserFixture fixture)
    : IClassFixture<BrowserFixture>, IAsyncLifetime
{
    private IBrowserContext _context = null!;
    private IPage _page = null!;

    public async Task InitializeAsync()
    {
        await fixture.StartAsync(recognizer.Recognizer);
        _context = await fixture.NewContextAsync();
        _page = await _context.NewPageAsync();
    }

    public Task DisposeAsync() => _context.CloseAsync();

    private HttpClient Api() => fixture.AdminApi();

    private Task ScreenshotAsync(string name) =>
        _page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(BrowserFixture.ScreenshotFolder, name), FullPage = true });

    private Task StripsAsync(int count) =>
        _page.WaitForFunctionAsync("n => document.querySelectorAll('#strangers-groups article.strip').length === n", count);

    private Task<int[]> FacesPerStripAsync() =>
        _page.EvalOnSelectorAllAsync<int[]>("#strangers-groups article.strip", "strips => strips.map(s => s.querySelectorAll('figure').length)");

    [Fact]
    public async Task The_strangers_view_shows_each_person_as_a_strip_and_merges_splits_undoes_and_names_from_the_page()
    {
        var people = ServicePhotos.People(recognizer.Recognizer, 3, 4);
        using var api = Api();
        for (var photo = 0; photo < 3; photo++)
            foreach (var (_, photos) in people)
                Assert.True((await api.PostAsync("/api/recognize", Http.Photos("image", photos[photo]))).IsSuccessStatusCode);

        await _page.GotoAsync($"{fixture.BaseUrl}/#strangers");
        await _page.FillAsync("#key", fixture.AdminKey);
        await _page.ClickAsync("#signin-form button[type=submit]");
        await StripsAsync(3);
        Assert.Equal(new[] { 3, 3, 3 }, await FacesPerStripAsync());
        await _page.WaitForFunctionAsync(
            "() => [...document.querySelectorAll('#strangers-groups img')].every(i => i.complete && i.naturalWidth > 0)");
        Assert.True(await _page.IsDisabledAsync("#strangers-undo"));
        await ScreenshotAsync("strangers.png");
        await BlurredScreenshotAsync("readme-strangers-blurred.png", "#strangers-groups img");

        var clusters = await _page.EvalOnSelectorAllAsync<string[]>("#strangers-groups article.strip", "s => s.map(e => e.dataset.cluster)");

        // Merge the first strip into the second.
        await _page.ClickAsync($"article.strip[data-cluster='{clusters[0]}'] button[data-action=merge]");
        var choice = await _page.EvalOnSelectorAllAsync<string[]>("#ask-select option", "o => o.map(e => e.value)");
        await _page.SelectOptionAsync("#ask-select", choice.Single(c => c.StartsWith($"group {clusters[1]} ")));
        await _page.ClickAsync("#ask-ok");
        await StripsAsync(2);
        Assert.Equal(new[] { 6, 3 }, await FacesPerStripAsync());
        await _page.WaitForSelectorAsync("#strangers-undo:not([disabled])[data-change=merged]");

        // Undo it.
        await _page.ClickAsync("#strangers-undo");
        await StripsAsync(3);
        Assert.Equal(new[] { 3, 3, 3 }, await FacesPerStripAsync());

        // Split a face out of the third strip, then undo that.
        await _page.ClickAsync($"article.strip[data-cluster='{clusters[2]}'] figure:nth-child(2) button.split");
        await StripsAsync(4);
        Assert.Equal(new[] { 3, 3, 2, 1 }, await FacesPerStripAsync());
        await _page.ClickAsync("#strangers-undo[data-change=split]");
        await StripsAsync(3);

        // Name the second strip: exactly its three faces are enrolled, and the strip is gone.
        var faceIds = await _page.EvalOnSelectorAllAsync<string[]>($"article.strip[data-cluster='{clusters[1]}'] figure", "f => f.map(e => e.dataset.faceId)");
        await _page.ClickAsync($"article.strip[data-cluster='{clusters[1]}'] button[data-action=name]");
        await _page.FillAsync("#ask-input", "Named From Page");
        await _page.ClickAsync("#ask-ok");
        await StripsAsync(2);
        await _page.WaitForSelectorAsync("#toast:has-text('Named From Page: 3 faces enrolled')");
        Assert.Equal(3, faceIds.Length);
        var person = await api.GetFromJsonAsync<JsonElement>("/api/people/Named%20From%20Page");
        Assert.Equal(3, person.GetProperty("faces").GetInt32());
        var answer = await (await api.PostAsync("/api/recognize", Http.Photos("image", people[1].Photos[3]))).JsonAsync();
        Assert.Equal("Named From Page", answer.GetProperty("faces")[0].GetProperty("person").GetString());
        await ScreenshotAsync("strangers-named.png");
        Assert.Equal(System.Net.HttpStatusCode.OK, (await api.DeleteAsync("/api/people/Named%20From%20Page")).StatusCode);
    }

    private async Task BlurredScreenshotAsync(string name, string faces)
    {
        const string blur = "([selector, on]) => document.querySelectorAll(selector).forEach(e => { e.style.filter = on ? 'blur(9px)' : ''; })";
        await _page.EvaluateAsync(blur, new object[] { faces, true });
        await ScreenshotAsync(name);
        await _page.EvaluateAsync(blur, new object[] { faces, false });
    }
}
