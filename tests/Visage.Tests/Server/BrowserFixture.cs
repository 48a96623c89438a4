using Microsoft.AspNetCore.Builder;
using Microsoft.Playwright;
using Visage.Server;
using Visage.Server.Hosting;
using Visage.Server.Security;
using Visage.Tests.TestData;

namespace Visage.Tests.Server;

/// <summary>
/// The service on Kestrel at 127.0.0.1 (a free port) and one headless Chromium from Debian's package, driven
/// by Playwright through its executable path (nothing downloads a browser), its camera a fake one that plays
/// a clip made from LFW photos: an enrolled person, then a stranger.
/// </summary>
public sealed class BrowserFixture : IAsyncLifetime
{
    private readonly TempFolder _temp = new();
    private readonly SemaphoreSlim _gate = new(1, 1);
    private IPlaywright? _playwright;
    private WebApplication? _app;

    public IBrowser Browser { get; private set; } = null!;
    public VisageService Service { get; private set; } = null!;
    public string BaseUrl { get; private set; } = "";
    public string AdminKey { get; private set; } = "";
    public (string Person, IReadOnlyList<string> Photos) Known { get; private set; }
    public (string Person, IReadOnlyList<string> Photos) Stranger { get; private set; }

    /// <summary>Where the screenshots go: $VISAGE_TEST_OUTPUT, else .out/screenshots in the checkout.</summary>
    public static string ScreenshotFolder =>
        Environment.GetEnvironmentVariable("VISAGE_TEST_OUTPUT") is { Length: > 0 } output
            ? Path.Combine(output, "screenshots")
            : Path.Combine(SharedData.RepositoryRoot ?? AppContext.BaseDirectory, ".out", "screenshots");

    public Task InitializeAsync() => Task.CompletedTask;

    /// <summary>Starts everything once, on the first test's recognizer.</summary>
    public async Task StartAsync(FaceRecognizer recognizer)
    {
        await _gate.WaitAsync();
        try
        {
            if (_app is not null) return;
            var people = ServicePhotos.People(recognizer, 2, 3);
            (Known, Stranger) = (people[0], people[1]);
            Service = await VisageService.OpenAsync(new ServerOptions
            {
                Urls = "http://127.0.0.1:0",
                Gallery = _temp.File("gallery.db"),
                DataFolder = _temp.File("data"),
                RateLimit = 0,
            }, recognizer);
            AdminKey = VisageServer.AnnounceFirstKey(Service, _ => { })!.Secret;
            _app = await VisageServer.StartAsync(Service);
            BaseUrl = _app.Urls.Single().TrimEnd('/');

            var clip = _temp.File("camera.y4m");
            Y4mClip.Write(clip, [(Known.Photos[1], 4), (Known.Photos[2], 4), (Stranger.Photos[0], 3), (Stranger.Photos[1], 3)]);
            _playwright = await Playwright.CreateAsync();
            Browser = await _playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
            {
                ExecutablePath = ChromiumPath(),
                Headless = true,
                Args =
                [
                    "--use-fake-device-for-media-stream",
                    "--use-fake-ui-for-media-stream",
                    $"--use-file-for-fake-video-capture={clip}",
                    "--autoplay-policy=no-user-gesture-required",
                ],
            });
            Directory.CreateDirectory(ScreenshotFolder);
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>How long a test waits for a state in the page before it fails.</summary>
    public static readonly float Patience = (float)TimeSpan.FromMinutes(3).TotalMilliseconds;

    /// <summary>A fresh browser context with the page's viewport, waiting up to <see cref="Patience"/>.</summary>
    public async Task<IBrowserContext> NewContextAsync(params string[] permissions)
    {
        var context = await Browser.NewContextAsync(new BrowserNewContextOptions
        {
            ViewportSize = new ViewportSize { Width = 1180, Height = 860 },
            Permissions = permissions,
        });
        context.SetDefaultTimeout(Patience);
        return context;
    }

    /// <summary>The service's API with the administrator's key.</summary>
    public HttpClient AdminApi()
    {
        var client = new HttpClient { BaseAddress = new Uri(BaseUrl) };
        client.DefaultRequestHeaders.Add(ApiKeyAuthentication.Header, AdminKey);
        return client;
    }

    /// <summary>Debian's chromium: the binary itself when it is where the package puts it, else the launcher on PATH.</summary>
    private static string ChromiumPath()
    {
        foreach (var candidate in new[] { "/usr/lib/chromium/chromium", "/usr/bin/chromium" })
            if (File.Exists(candidate)) return candidate;
        throw new InvalidOperationException("chromium not found: install Debian's 'chromium' package (./test does, as root)");
    }

    public async Task DisposeAsync()
    {
        if (Browser is not null) await Browser.CloseAsync();
        _playwright?.Dispose();
        if (_app is not null)
        {
            await _app.StopAsync();
            await _app.DisposeAsync();
        }
        Service?.Dispose();
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        _temp.Dispose();
    }
}
