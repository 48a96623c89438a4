using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net.Http.Headers;
using System.Text.Json;
using System.Threading.Channels;
using Visage.Json;
using Visage.Server.Events;

namespace Visage.Server.Webhooks;

/// <summary>
/// Posts stored events to the webhooks that want them. Each webhook has its own queue and sender, so a receiver that
/// hangs or fails delays only its own deliveries, never another webhook's, the event store or recognition. A post
/// that fails (no answer within the timeout, or a status outside 2xx) is tried again after a delay that doubles,
/// up to the configured attempts; every attempt goes in the delivery log.
/// </summary>
public sealed class WebhookDispatcher : IAsyncDisposable
{
    private readonly WebhookStore _store;
    private readonly WebhookTimings _timings;
    private readonly HttpClient _http;
    private readonly CancellationTokenSource _stopping = new();
    private readonly ConcurrentDictionary<string, Sender> _senders = new();
    private volatile IReadOnlyList<Webhook> _hooks;

    public WebhookDispatcher(WebhookStore store, WebhookTimings timings)
    {
        _store = store;
        _timings = timings;
        _http = new HttpClient(new SocketsHttpHandler
        {
            ConnectTimeout = timings.Timeout,
            PooledConnectionLifetime = TimeSpan.FromMinutes(5),
            AllowAutoRedirect = false,
        })
        {
            Timeout = Timeout.InfiniteTimeSpan,
        };
        _http.DefaultRequestHeaders.UserAgent.Add(new ProductInfoHeaderValue("Visage", Endpoints.SystemEndpoints.Version));
        _hooks = store.List();
    }

    public WebhookStore Store => _store;

    /// <summary>Reads the webhooks again after a change; senders of removed ones stop.</summary>
    public void Reload()
    {
        _hooks = _store.List();
        foreach (var (id, sender) in _senders)
            if (_hooks.All(h => h.Id != id) && _senders.TryRemove(id, out _))
                sender.Stop();
    }

    /// <summary>Queues the event for every webhook that wants it; never waits.</summary>
    public void Publish(CameraEventJson e)
    {
        if (_stopping.IsCancellationRequested) return;
        byte[]? body = null;
        foreach (var hook in _hooks)
        {
            if (!hook.Wants(e.Event)) continue;
            body ??= JsonSerializer.SerializeToUtf8Bytes(e, VisageJson.Compact);
            _senders.GetOrAdd(hook.Id, id => new Sender(this, id)).Queue(new Pending(e.Id, e.Event, body));
        }
    }

    private sealed record Pending(long Event, Visage.Video.WatchEventKind Kind, byte[] Body);

    private sealed class Sender
    {
        private readonly WebhookDispatcher _owner;
        private readonly string _id;
        private readonly CancellationTokenSource _stop;
        private readonly Channel<Pending> _queue = Channel.CreateBounded<Pending>(new BoundedChannelOptions(1000)
        {
            FullMode = BoundedChannelFullMode.DropOldest, SingleReader = true,
        });

        public Sender(WebhookDispatcher owner, string id)
        {
            _owner = owner;
            _id = id;
            _stop = CancellationTokenSource.CreateLinkedTokenSource(owner._stopping.Token);
            Running = Task.Run(() => RunAsync(_stop.Token));
        }

        public Task Running { get; }

        public void Queue(Pending pending) => _queue.Writer.TryWrite(pending);

        public void Stop()
        {
            _queue.Writer.TryComplete();
            _stop.Cancel();
        }

        private async Task RunAsync(CancellationToken ct)
        {
            try
            {
                await foreach (var pending in _queue.Reader.ReadAllAsync(ct).ConfigureAwait(false))
                    await DeliverAsync(pending, ct).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (ct.IsCancellationRequested)
            {
            }
        }

        private async Task DeliverAsync(Pending pending, CancellationToken ct)
        {
            var timings = _owner._timings;
            for (var attempt = 1; attempt <= Math.Max(1, timings.Attempts); attempt++)
            {
                if (_owner._hooks.FirstOrDefault(h => h.Id == _id) is not { Enabled: true } hook) return;
                var started = Stopwatch.GetTimestamp();
                int? status = null;
                string? error = null;
                using (var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct))
                {
                    timeout.CancelAfter(timings.Timeout);
                    try
                    {
                        using var request = new HttpRequestMessage(HttpMethod.Post, hook.Url)
                        {
                            Content = new ByteArrayContent(pending.Body),
                        };
                        request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json") { CharSet = "utf-8" };
                        request.Headers.Add(WebhookSignature.Header, WebhookSignature.Sign(hook.Secret, pending.Body));
                        request.Headers.Add(WebhookSignature.EventHeader, JsonNamingPolicy.SnakeCaseLower.ConvertName(pending.Kind.ToString()));
                        request.Headers.Add(WebhookSignature.DeliveryHeader, $"{pending.Event}-{hook.Id}");
                        using var response = await _owner._http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, timeout.Token)
                            .ConfigureAwait(false);
                        status = (int)response.StatusCode;
                        if (!response.IsSuccessStatusCode) error = $"the receiver answered {status} {response.ReasonPhrase}";
                    }
                    catch (OperationCanceledException) when (ct.IsCancellationRequested)
                    {
                        return;
                    }
                    catch (OperationCanceledException)
                    {
                        error = $"no answer within {timings.Timeout.TotalSeconds:0.###} s";
                    }
                    catch (HttpRequestException e)
                    {
                        error = Problems.OneLine(new Visage.Video.VideoSource.Url(e.Message).ToString());
                    }
                }
                var delivered = error is null;
                try
                {
                    _owner._store.Log(new WebhookDelivery(0, hook.Id, pending.Event, pending.Kind, attempt, DateTimeOffset.UtcNow,
                        status, error, Stopwatch.GetElapsedTime(started).TotalMilliseconds, delivered));
                }
                catch (Microsoft.Data.Sqlite.SqliteException)
                {
                    // The log is a record, not the delivery: a busy file must not stop the posts.
                }
                if (delivered) return;
                if (attempt < timings.Attempts)
                    await Task.Delay(timings.FirstRetry * Math.Pow(2, attempt - 1), ct).ConfigureAwait(false);
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        _stopping.Cancel();
        foreach (var sender in _senders.Values)
        {
            sender.Stop();
            try
            {
                await sender.Running.WaitAsync(TimeSpan.FromSeconds(2)).ConfigureAwait(false);
            }
            catch (TimeoutException)
            {
            }
        }
        _http.Dispose();
    }
}
