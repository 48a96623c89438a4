using System.Collections.Concurrent;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace Visage.Tests.Server.Cameras;

/// <summary>
/// A webhook receiver on loopback (Kestrel, a real port): <c>/ok</c> answers 204, <c>/fail-twice</c> answers 500 to
/// the first two posts of each delivery and 204 after, <c>/hang</c> never answers. It keeps every post it got.
/// </summary>
internal sealed class WebhookReceiver : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly ConcurrentDictionary<string, int> _failures = new();
    private readonly CancellationTokenSource _stop = new();

    public sealed record Post(string Path, byte[] Body, string? Signature, string? Event, string? Delivery, DateTimeOffset At);

    public ConcurrentQueue<Post> Posts { get; } = new();

    private WebhookReceiver()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        _app = builder.Build();
        _app.MapPost("/{kind}", async (string kind, HttpContext http) =>
        {
            using var body = new MemoryStream();
            await http.Request.Body.CopyToAsync(body);
            var post = new Post("/" + kind, body.ToArray(), http.Request.Headers["X-Visage-Signature"],
                http.Request.Headers["X-Visage-Event"], http.Request.Headers["X-Visage-Delivery"], DateTimeOffset.UtcNow);
            Posts.Enqueue(post);
            switch (kind)
            {
                case "hang":
                    await Task.Delay(Timeout.Infinite, CancellationTokenSource.CreateLinkedTokenSource(http.RequestAborted, _stop.Token).Token)
                        .ContinueWith(_ => { });
                    return Results.StatusCode(204);
                case "fail-twice":
                    return _failures.AddOrUpdate(post.Delivery ?? "", 1, (_, n) => n + 1) <= 2 ? Results.StatusCode(500) : Results.StatusCode(204);
                default:
                    return Results.StatusCode(204);
            }
        });
    }

    public string Url(string path) => _app.Urls.First() + path;

    public static async Task<WebhookReceiver> StartAsync()
    {
        var receiver = new WebhookReceiver();
        await receiver._app.StartAsync();
        return receiver;
    }

    public async Task<List<Post>> WaitForAsync(string path, int count, TimeSpan patience)
    {
        using var limit = new CancellationTokenSource(patience);
        while (true)
        {
            var posts = Posts.Where(p => p.Path == path).ToList();
            if (posts.Count >= count) return posts;
            if (limit.IsCancellationRequested) throw new TimeoutException($"{posts.Count} of {count} posts to {path}");
            await Task.Delay(50);
        }
    }

    public async ValueTask DisposeAsync()
    {
        _stop.Cancel();
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
