using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Visage.Server.Security;
using Visage.Video;

namespace Visage.Server.Webhooks;

/// <summary>Webhooks (role <c>admin</c>): list, add (the signing secret is shown once), change, remove, and each one's delivery log.</summary>
internal static class WebhookEndpoints
{
    public static void Map(IEndpointRouteBuilder routes)
    {
        var group = routes.MapGroup("/api/webhooks").WithTags("Webhooks").RequireAuthorization(Policies.Admin);

        group.MapGet("/", (WebhookDispatcher webhooks) =>
                Results.Ok(new WebhooksJson(webhooks.Store.List().Select(WebhookJson.From).ToList())))
            .WithName("ListWebhooks").WithSummary("Every webhook (addresses' secrets masked; never the signing secret)")
            .Produces<WebhooksJson>();

        group.MapPost("/", (WebhookRequest request, WebhookDispatcher webhooks) =>
            {
                if (CheckUrl(request.Url) is { } problem) return problem;
                if (ParseEvents(request.Events, out var events) is { } bad) return bad;
                var hook = webhooks.Store.Add(request.Url!, events);
                webhooks.Reload();
                return Results.Created($"/api/webhooks/{hook.Id}", NewWebhookJson.From(hook));
            })
            .WithName("AddWebhook")
            .WithSummary("Adds a webhook ({\"url\",\"events\"}: the kinds to post, all when left out); the answer holds its signing secret, shown this once")
            .Produces<NewWebhookJson>(StatusCodes.Status201Created).ProducesProblem(StatusCodes.Status400BadRequest);

        group.MapPatch("/{id}", (string id, WebhookRequest request, WebhookDispatcher webhooks) =>
            {
                if (webhooks.Store.List().FirstOrDefault(h => h.Id == id) is not { } hook) return NotFound(id);
                if (request.Url is not null && CheckUrl(request.Url) is { } problem) return problem;
                if (ParseEvents(request.Events, out var events) is { } bad) return bad;
                hook = hook with
                {
                    Url = request.Url ?? hook.Url,
                    Events = request.Events is null ? hook.Events : events,
                    Enabled = request.Enabled ?? hook.Enabled,
                };
                webhooks.Store.Save(hook);
                webhooks.Reload();
                return Results.Ok(WebhookJson.From(hook));
            })
            .WithName("ChangeWebhook").WithSummary("Changes a webhook's url, events or enabled")
            .Produces<WebhookJson>().ProducesProblem(StatusCodes.Status400BadRequest).ProducesProblem(StatusCodes.Status404NotFound);

        group.MapDelete("/{id}", (string id, WebhookDispatcher webhooks) =>
            {
                if (webhooks.Store.List().FirstOrDefault(h => h.Id == id) is not { } hook) return NotFound(id);
                webhooks.Store.Delete(id);
                webhooks.Reload();
                return Results.Ok(WebhookJson.From(hook));
            })
            .WithName("RemoveWebhook").WithSummary("Removes a webhook and its delivery log")
            .Produces<WebhookJson>().ProducesProblem(StatusCodes.Status404NotFound);

        group.MapGet("/{id}/deliveries", (string id, int? limit, WebhookDispatcher webhooks) =>
                webhooks.Store.List().Any(h => h.Id == id)
                    ? Results.Ok(new DeliveriesJson(webhooks.Store.Deliveries(id, limit ?? 100)))
                    : NotFound(id))
            .WithName("WebhookDeliveries").WithSummary("The webhook's latest delivery attempts, newest first: status or error, duration")
            .Produces<DeliveriesJson>().ProducesProblem(StatusCodes.Status404NotFound);
    }

    private static IResult? CheckUrl(string? url)
    {
        if (string.IsNullOrWhiteSpace(url))
            return Problems.Result(StatusCodes.Status400BadRequest, "url: a webhook needs an http:// or https:// address", Field("url"));
        if (!Uri.TryCreate(url, UriKind.Absolute, out var uri) || uri.Scheme is not ("http" or "https") || url.Length > 2048)
            return Problems.Result(StatusCodes.Status400BadRequest,
                $"url: {new VideoSource.Url(url)}: not an http:// or https:// address", Field("url"));
        return null;
    }

    private static IResult? ParseEvents(IReadOnlyList<string>? names, out List<WatchEventKind> events)
    {
        events = [];
        foreach (var name in names ?? [])
        {
            var kind = Enum.GetValues<WatchEventKind>().Cast<WatchEventKind?>()
                .FirstOrDefault(k => Events.EventEndpoints.KindName(k!.Value) == name);
            if (kind is not { } known || known is WatchEventKind.Recognition or WatchEventKind.Retrying)
                return Problems.Result(StatusCodes.Status400BadRequest,
                    $"events: '{name}' is not one of greeting, unknown, connected, disconnected, reconnected", Field("events"));
            events.Add(known);
        }
        return null;
    }

    private static IResult NotFound(string id) => Problems.Result(StatusCodes.Status404NotFound, $"webhook {id}: no such webhook", Field("id"));

    private static Dictionary<string, object?> Field(string name) => new() { ["field"] = name };
}

/// <summary><c>{"url","events","enabled"}</c>.</summary>
public sealed record WebhookRequest(string? Url, IReadOnlyList<string>? Events, bool? Enabled);

/// <summary><c>{"id","url","events","enabled","createdAt"}</c>; <c>url</c> masked.</summary>
public sealed record WebhookJson(string Id, string Url, IReadOnlyList<WatchEventKind> Events, bool Enabled, DateTimeOffset CreatedAt)
{
    public static WebhookJson From(Webhook h) => new(h.Id, h.MaskedUrl, h.Events, h.Enabled, h.CreatedAt);
}

/// <summary>A webhook just added: its fields plus <c>"secret"</c>, the HMAC-SHA256 key, shown once.</summary>
public sealed record NewWebhookJson(string Id, string Url, IReadOnlyList<WatchEventKind> Events, bool Enabled, DateTimeOffset CreatedAt,
    string Secret)
{
    public static NewWebhookJson From(Webhook h) => new(h.Id, h.MaskedUrl, h.Events, h.Enabled, h.CreatedAt, h.Secret);
}

public sealed record WebhooksJson(IReadOnlyList<WebhookJson> Webhooks);

public sealed record DeliveriesJson(IReadOnlyList<WebhookDelivery> Deliveries);
