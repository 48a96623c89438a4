using System.Globalization;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Visage.Server.Security;
using Visage.Video;

namespace Visage.Server.Cameras;

/// <summary>
/// Cameras (role <c>admin</c>): list with their status, add, change, enable, disable, remove; each camera's live
/// annotated preview (MJPEG) and latest picture. A change takes effect at once: the camera's worker restarts.
/// </summary>
internal static class CameraEndpoints
{
    private const int MaxName = 64;

    public static void Map(IEndpointRouteBuilder routes)
    {
        var group = routes.MapGroup("/api/cameras").WithTags("Cameras").RequireAuthorization(Policies.Admin);

        group.MapGet("/", (CameraWorkers workers) =>
                TypedResults.Ok(new CamerasJson(workers.Cameras.List().Select(c => CameraJson.From(c, workers.Status(c))).ToList())))
            .WithName("ListCameras").WithSummary("Every camera with its settings (passwords masked) and status")
            .Produces<CamerasJson>();

        group.MapGet("/{id}", (string id, CameraWorkers workers) => workers.Cameras.Find(id) is { } camera
                ? Results.Ok(CameraJson.From(camera, workers.Status(camera)))
                : NotFound(id))
            .WithName("GetCamera").WithSummary("One camera with its status")
            .Produces<CameraJson>().ProducesProblem(StatusCodes.Status404NotFound);

        group.MapPost("/", async (CameraRequest request, CameraWorkers workers) =>
            {
                if (string.IsNullOrWhiteSpace(request.Source))
                    return Problems.Result(StatusCodes.Status400BadRequest, "source: a camera needs a source (an rtsp://, rtsps:// or http(s):// address, a camera index, or a video file)", Field("source"));
                var draft = new Camera(CameraStore.NewId(), "", "", true, 3, 5, TimeSpan.FromMinutes(10), 0, false,
                    RtspTransport.Tcp, DateTimeOffset.UtcNow);
                return await SaveAsync(draft, request, workers, created: true);
            })
            .WithName("AddCamera")
            .WithSummary("Adds a camera ({\"name\",\"source\"}, optionally the vote, cooldown, minimum face size, greetAloud, liveness, rtspTransport); it starts at once")
            .WithDescription("'liveness': true checks every face with the liveness network (loaded on first need, other cameras untouched): each event's face carries its 'liveness' {score, threshold, live}, and a face that fails is never greeted.")
            .Produces<CameraJson>(StatusCodes.Status201Created).ProducesProblem(StatusCodes.Status400BadRequest).ProducesProblem(StatusCodes.Status409Conflict);

        group.MapPatch("/{id}", async (string id, CameraRequest request, CameraWorkers workers) =>
                workers.Cameras.Find(id) is { } camera ? await SaveAsync(camera, request, workers, created: false) : NotFound(id))
            .WithName("ChangeCamera").WithSummary("Changes the fields given; the camera restarts with them")
            .Produces<CameraJson>().ProducesProblem(StatusCodes.Status400BadRequest).ProducesProblem(StatusCodes.Status404NotFound);

        group.MapPost("/{id}/enable", (string id, CameraWorkers workers) => Toggle(id, true, workers))
            .WithName("EnableCamera").WithSummary("Starts the camera").Produces<CameraJson>().ProducesProblem(StatusCodes.Status404NotFound);
        group.MapPost("/{id}/disable", (string id, CameraWorkers workers) => Toggle(id, false, workers))
            .WithName("DisableCamera").WithSummary("Stops the camera, keeping its settings").Produces<CameraJson>().ProducesProblem(StatusCodes.Status404NotFound);

        group.MapDelete("/{id}", async (string id, CameraWorkers workers) =>
            {
                if (workers.Cameras.Find(id) is not { } camera) return NotFound(id);
                await workers.RemoveAsync(id);
                workers.Cameras.Delete(id);
                return Results.Ok(CameraJson.From(camera with { Enabled = false }, CameraStatusJson.Disabled));
            })
            .WithName("RemoveCamera").WithSummary("Stops and removes the camera (its past events stay until the retention deletes them)")
            .Produces<CameraJson>().ProducesProblem(StatusCodes.Status404NotFound);

        group.MapGet("/{id}/snapshot.jpg", (string id, CameraWorkers workers) =>
            {
                if (workers.Cameras.Find(id) is null) return NotFound(id);
                return workers.Preview(id).Latest is { } frame
                    ? Results.File(frame.Jpeg, "image/jpeg")
                    : Problems.Result(StatusCodes.Status404NotFound, $"camera {id}: no picture yet");
            })
            .WithName("CameraSnapshot").WithSummary("The camera's latest annotated picture (JPEG)")
            .Produces(StatusCodes.Status200OK, contentType: "image/jpeg").ProducesProblem(StatusCodes.Status404NotFound);

        group.MapGet("/{id}/preview.mjpg", async (string id, CameraWorkers workers, HttpContext http) =>
            {
                if (workers.Cameras.Find(id) is null)
                {
                    await Problems.WriteAsync(http, StatusCodes.Status404NotFound, $"camera {id}: no such camera");
                    return;
                }
                await StreamPreviewAsync(workers.Preview(id), http);
            })
            .WithName("CameraPreview")
            .WithSummary("The camera's live annotated picture as Motion JPEG (multipart/x-mixed-replace), a few pictures a second")
            .Produces(StatusCodes.Status200OK, contentType: "multipart/x-mixed-replace").ProducesProblem(StatusCodes.Status404NotFound);
    }

    private static async Task StreamPreviewAsync(PreviewFeed feed, HttpContext http)
    {
        const string boundary = "visageframe";
        var ct = http.RequestAborted;
        http.Response.ContentType = $"multipart/x-mixed-replace; boundary={boundary}";
        http.Response.Headers.CacheControl = "no-cache, no-store";
        http.Features.Get<Microsoft.AspNetCore.Http.Features.IHttpResponseBodyFeature>()?.DisableBuffering();
        await http.Response.StartAsync(ct);
        long after = 0;
        try
        {
            while (!ct.IsCancellationRequested)
            {
                var frame = await feed.NextAsync(after, ct);
                after = frame.Sequence;
                var head = System.Text.Encoding.ASCII.GetBytes(
                    $"--{boundary}\r\nContent-Type: image/jpeg\r\nContent-Length: {frame.Jpeg.Length.ToString(CultureInfo.InvariantCulture)}\r\n\r\n");
                await http.Response.Body.WriteAsync(head, ct);
                await http.Response.Body.WriteAsync(frame.Jpeg, ct);
                await http.Response.Body.WriteAsync("\r\n"u8.ToArray(), ct);
                await http.Response.Body.FlushAsync(ct);
            }
        }
        catch (OperationCanceledException)
        {
        }
    }

    private static async Task<IResult> Toggle(string id, bool enabled, CameraWorkers workers)
    {
        if (workers.Cameras.Find(id) is not { } camera) return NotFound(id);
        camera = camera with { Enabled = enabled };
        workers.Cameras.Save(camera);
        await workers.ApplyAsync(camera);
        return Results.Ok(CameraJson.From(camera, workers.Status(camera)));
    }

    private static async Task<IResult> SaveAsync(Camera camera, CameraRequest request, CameraWorkers workers, bool created)
    {
        var name = request.Name?.Trim() ?? camera.Name;
        if (name.Length == 0 || name.Length > MaxName || name.Any(char.IsControl))
            return Problems.Result(StatusCodes.Status400BadRequest,
                $"name: a camera needs a name of 1 to {MaxName} printable characters", Field("name"));

        var source = camera.Source;
        if (request.Source is { } given && !(given == camera.MaskedSource && !created))
        {
            source = given.Trim();
            if (CheckSource(source) is { } problem) return Problems.Result(StatusCodes.Status400BadRequest, problem, Field("source"));
        }

        var transport = camera.RtspTransport;
        if (request.RtspTransport is { } text && !Enum.TryParse(text, ignoreCase: true, out transport))
            return Problems.Result(StatusCodes.Status400BadRequest, $"rtspTransport: '{text}' is neither tcp nor udp", Field("rtspTransport"));

        var cooldown = camera.Cooldown;
        if (request.CooldownSeconds is { } seconds)
        {
            if (!(seconds >= 0 && seconds <= TimeSpan.FromDays(7).TotalSeconds))
                return Problems.Result(StatusCodes.Status400BadRequest, $"cooldownSeconds: must be between 0 and one week, not {seconds}", Field("cooldownSeconds"));
            cooldown = TimeSpan.FromSeconds(seconds);
        }
        var minFace = request.MinFaceSize ?? camera.MinFaceSize;
        if (minFace is < 0 or > 4096)
            return Problems.Result(StatusCodes.Status400BadRequest, $"minFaceSize: must be between 0 and 4096 pixels, not {minFace}", Field("minFaceSize"));

        var changed = camera with
        {
            Name = name,
            Source = source,
            Enabled = request.Enabled ?? camera.Enabled,
            ConfirmFrames = request.ConfirmFrames ?? camera.ConfirmFrames,
            WindowFrames = request.WindowFrames ?? camera.WindowFrames,
            Cooldown = cooldown,
            MinFaceSize = minFace,
            GreetAloud = request.GreetAloud ?? camera.GreetAloud,
            Liveness = request.Liveness ?? camera.Liveness,
            RtspTransport = transport,
        };
        try
        {
            _ = new GreetingPolicy(changed.ConfirmFrames, changed.WindowFrames, changed.Cooldown);
        }
        catch (InvalidSettingException e)
        {
            var field = e.Setting == VisageSetting.WindowFrames ? "windowFrames" : "confirmFrames";
            return Problems.Result(StatusCodes.Status400BadRequest, $"{field}: {e.Message}", Field(field));
        }
        if (!workers.Cameras.Save(changed))
            return Problems.Result(StatusCodes.Status409Conflict, $"name: another camera is called '{name}'", Field("name"));
        await workers.ApplyAsync(changed);
        var json = CameraJson.From(changed, workers.Status(changed));
        return created ? Results.Created($"/api/cameras/{changed.Id}", json) : Results.Ok(json);
    }

    /// <summary>Why a source cannot be a camera, in one line naming it (password masked), or null when it can.</summary>
    private static string? CheckSource(string source)
    {
        if (source.Length > 2048) return "source: longer than 2048 characters";
        var parsed = Camera.Parse(source);
        switch (parsed)
        {
            case VideoSource.Url url:
                if (!Uri.TryCreate(source, UriKind.Absolute, out var uri) || uri.Scheme is not ("rtsp" or "rtsps" or "http" or "https"))
                    return $"source: {url}: not an rtsp://, rtsps://, http:// or https:// address";
                return null;
            case VideoSource.File file:
                if (!Path.IsPathFullyQualified(file.Path)) return $"source: {file.Path}: a video file must be given by its full path on the server";
                return File.Exists(file.Path) ? null : $"source: {file.Path}: no such video file on the server";
            default:
                return null;
        }
    }

    private static IResult NotFound(string id) => Problems.Result(StatusCodes.Status404NotFound, $"camera {id}: no such camera", Field("id"));

    private static Dictionary<string, object?> Field(string name) => new() { ["field"] = name };
}
