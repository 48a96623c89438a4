using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Visage.Json;
using Visage.Server.Hosting;
using Visage.Server.Security;
using Visage.Video;

namespace Visage.Server.Events;

/// <summary>
/// Camera events (role <c>admin</c>): listed with filters and paging, pushed live as Server-Sent Events, their
/// snapshots and face crops; the strangers seen, and naming one, which enrolls that face.
/// </summary>
internal static class EventEndpoints
{
    public static void Map(IEndpointRouteBuilder routes)
    {
        var events = routes.MapGroup("/api/events").WithTags("Events").RequireAuthorization(Policies.Admin);

        events.MapGet("/", (EventStore store, string? camera, string? @event, string? person, DateTimeOffset? since,
                DateTimeOffset? until, long? before, int? limit) =>
            {
                WatchEventKind? kind = null;
                if (@event is not null)
                {
                    if (ParseKind(@event) is not { } parsed)
                        return Problems.Result(StatusCodes.Status400BadRequest,
                            $"event: '{@event}' is not one of greeting, unknown, connected, disconnected, reconnected", Field("event"));
                    kind = parsed;
                }
                if (limit is < 1 or > EventStore.MaxLimit)
                    return Problems.Result(StatusCodes.Status400BadRequest, $"limit: must be between 1 and {EventStore.MaxLimit}, not {limit}", Field("limit"));
                return Results.Ok(store.List(new EventQuery(camera, kind, person, since, until, before, limit ?? 50)));
            })
            .WithName("ListEvents")
            .WithSummary("Camera events, newest first, filtered by camera, event, person, since and until (ISO 8601); page with before=next")
            .Produces<CameraEventsJson>().ProducesProblem(StatusCodes.Status400BadRequest);

        events.MapGet("/stream", async (EventHub hub, HttpContext http) =>
            {
                var ct = http.RequestAborted;
                http.Response.ContentType = "text/event-stream";
                http.Response.Headers.CacheControl = "no-cache, no-store";
                http.Features.Get<Microsoft.AspNetCore.Http.Features.IHttpResponseBodyFeature>()?.DisableBuffering();
                using var subscription = hub.Subscribe();
                await http.Response.WriteAsync(": visage events\n\n", ct);
                await http.Response.Body.FlushAsync(ct);
                try
                {
                    while (!ct.IsCancellationRequested)
                    {
                        using var heartbeat = CancellationTokenSource.CreateLinkedTokenSource(ct);
                        heartbeat.CancelAfter(TimeSpan.FromSeconds(15));
                        bool ready;
                        try
                        {
                            ready = await subscription.Events.WaitToReadAsync(heartbeat.Token);
                        }
                        catch (OperationCanceledException) when (!ct.IsCancellationRequested)
                        {
                            await http.Response.WriteAsync(": still here\n\n", ct);
                            await http.Response.Body.FlushAsync(ct);
                            continue;
                        }
                        if (!ready) break;
                        while (subscription.Events.TryRead(out var e))
                        {
                            var json = JsonSerializer.Serialize(e, VisageJson.Compact);
                            await http.Response.WriteAsync($"id: {e.Id}\nevent: {KindName(e.Event)}\ndata: {json}\n\n", ct);
                        }
                        await http.Response.Body.FlushAsync(ct);
                    }
                }
                catch (OperationCanceledException)
                {
                }
            })
            .WithName("StreamEvents")
            .WithSummary("Camera events as they happen (text/event-stream): each an SSE event named as its kind, its data the event's JSON")
            .Produces(StatusCodes.Status200OK, contentType: "text/event-stream");

        events.MapGet("/{id:long}", (long id, EventStore store) => store.Find(id) is { } e ? Results.Ok(e) : NotFound(id))
            .WithName("GetEvent").WithSummary("One camera event").Produces<CameraEventJson>().ProducesProblem(StatusCodes.Status404NotFound);

        events.MapGet("/{id:long}/snapshot.jpg", (long id, EventStore store) =>
                store.Picture(id, 0) is { } jpeg ? Results.File(jpeg, "image/jpeg") : NotFound(id, "snapshot"))
            .WithName("EventSnapshot").WithSummary("The annotated frame of a greeting or a stranger (JPEG)")
            .Produces(StatusCodes.Status200OK, contentType: "image/jpeg").ProducesProblem(StatusCodes.Status404NotFound);

        events.MapGet("/{id:long}/crops/{face:int}.jpg", (long id, int face, EventStore store) =>
                face >= 1 && store.Picture(id, face) is { } jpeg ? Results.File(jpeg, "image/jpeg") : NotFound(id, $"face {face}"))
            .WithName("EventFaceCrop").WithSummary("An unknown face of the event, cropped with a margin (JPEG), counting from 1")
            .Produces(StatusCodes.Status200OK, contentType: "image/jpeg").ProducesProblem(StatusCodes.Status404NotFound);

        var unknown = routes.MapGroup("/api/unknown").WithTags("Events").RequireAuthorization(Policies.Admin);

        unknown.MapGet("/", (EventStore store, string? camera, long? before, int? limit) =>
                Results.Ok(store.List(new EventQuery(camera, WatchEventKind.Unknown, Before: before,
                    Limit: Math.Clamp(limit ?? 50, 1, EventStore.MaxLimit), Named: false))))
            .WithName("ListUnknownFaces").WithSummary("The strangers the cameras saw and nobody has named yet, newest first")
            .Produces<CameraEventsJson>();

        unknown.MapPost("/{id:long}/name", async (long id, NameStrangerRequest request, EventStore store, VisageService service,
                CancellationToken ct) =>
            {
                if (store.Find(id) is not { Event: WatchEventKind.Unknown } e) return NotFound(id, "stranger");
                if (string.IsNullOrWhiteSpace(request.Person))
                    return Problems.Result(StatusCodes.Status400BadRequest, "person: a name is needed", Field("person"));
                var face = request.Face ?? 1;
                if (face < 1 || face > e.Crops.Count || store.Picture(id, face) is not { } crop)
                    return Problems.Result(StatusCodes.Status400BadRequest,
                        $"face: event {id} has {e.Crops.Count} unknown face(s), not a face {face}", Field("face"));
                var image = service.Recognizer.DecodeImage(crop, $"event {id} face {face}");
                var outcome = await service.People.AddPhotoAsync(request.Person, image, largest: true, ct);
                store.SetPerson(id, outcome.Source.Identity);
                return Results.Ok(new NamedStrangerJson(store.Find(id)!, PhotoUploadJson.From(outcome)));
            })
            .WithName("NameUnknownFace")
            .WithSummary("Names a stranger ({\"person\",\"face\"}): enrolls that face as the person (made when new), so the next visit is greeted")
            .Produces<NamedStrangerJson>().ProducesProblem(StatusCodes.Status400BadRequest).ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status422UnprocessableEntity);
    }

    public static string KindName(WatchEventKind kind) => JsonNamingPolicy.SnakeCaseLower.ConvertName(kind.ToString());

    private static WatchEventKind? ParseKind(string text) =>
        Enum.GetValues<WatchEventKind>().Cast<WatchEventKind?>().FirstOrDefault(k => KindName(k!.Value) == text);

    private static IResult NotFound(long id, string what = "event") =>
        Problems.Result(StatusCodes.Status404NotFound, $"event {id}: no such {what}", Field("id"));

    private static Dictionary<string, object?> Field(string name) => new() { ["field"] = name };
}

/// <summary><c>{"person","face"}</c>: whom a stranger is, and which of the event's unknown faces (from 1; default 1).</summary>
public sealed record NameStrangerRequest(string? Person, int? Face);

/// <summary><c>{"event","enrollment"}</c>: the event, now with its <c>person</c>, and the enrolled photo as uploads report it.</summary>
public sealed record NamedStrangerJson(CameraEventJson Event, PhotoUploadJson Enrollment);
