using System.Diagnostics;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Visage.Json;
using Visage.Server.Hosting;
using Visage.Server.Security;

namespace Visage.Server.Endpoints;

/// <summary>recognize, verify, embed, detect: one or two photos in, faces out (role <c>recognize</c> or <c>admin</c>).</summary>
internal static class RecognitionEndpoints
{
    public static void Map(IEndpointRouteBuilder routes)
    {
        var group = routes.MapGroup("/api").WithTags("Recognition").RequireAuthorization(Policies.Recognize)
            .DisableAntiforgery();

        group.MapPost("/recognize", async (IFormFile? image, int? top, bool? liveness, VisageService service, CancellationToken ct) =>
            {
                if (image is null) return Uploads.Missing("image");
                if (liveness == true) await service.EnsureLivenessAsync(ct);
                return TypedResults.Ok(await RecognizeAsync(service, image, top, "upload", ct, liveness));
            })
            .WithName("Recognize")
            .WithSummary("Who is in a photo: every face with its box, landmarks, person (null: unknown), distance and nearest candidates")
            .WithDescription("Send the photo as multipart field 'image'. 'top' caps the candidates per face (default 3). 'liveness=true' checks each face with the liveness network (loaded on first need): each face carries 'liveness' {score, threshold, live}, and one that fails is nobody. The answer names the threshold used, the model, and milliseconds per stage.")
            .Produces<IdentifyJson>()
            .ProducesProblem(StatusCodes.Status400BadRequest).ProducesProblem(StatusCodes.Status413PayloadTooLarge)
            .ProducesProblem(StatusCodes.Status422UnprocessableEntity);

        group.MapPost("/live/frame", async (IFormFile? image, string? session, VisageService service, HttpContext http,
                CancellationToken ct) =>
            {
                if (image is null) return Uploads.Missing("image");
                if (string.IsNullOrWhiteSpace(session) || session.Length > 64)
                    return Problems.Result(StatusCodes.Status400BadRequest, "session: 1 to 64 characters are needed");
                var recognition = await RecognizeAsync(service, image, top: 1, "live view", ct);
                var key = http.User.FindFirst(ApiKeyAuthentication.KeyIdClaim)?.Value ?? "";
                var greet = service.LiveSessions.Observe($"{key}/{session}",
                    recognition.Faces.Where(f => f.Known).Select(f => f.Person!));
                return TypedResults.Ok(new LiveFrameJson(recognition,
                    greet.Count == 0 ? null : new GreetingJson(greet, Video.GreetingPolicy.Words(greet))));
            })
            .WithName("LiveFrame")
            .WithSummary("One frame of a live view: recognised as /api/recognize, and voted on as visage watch does")
            .WithDescription("A person recognised in K of the last M frames of the same 'session' is greeted (the 'greeting' field), then not again until the cooldown has passed.")
            .Produces<LiveFrameJson>()
            .ProducesProblem(StatusCodes.Status400BadRequest).ProducesProblem(StatusCodes.Status422UnprocessableEntity);

        group.MapPost("/verify", async (IFormFile? first, IFormFile? second, float? threshold, VisageService service,
                CancellationToken ct) =>
            {
                if (first is null) return Uploads.Missing("first");
                if (second is null) return Uploads.Missing("second");
                using var a = await Uploads.DecodeAsync(service.Recognizer, "first", first, ct);
                using var b = await Uploads.DecodeAsync(service.Recognizer, "second", second, ct);
                var verification = service.Recognizer.Verify(a, b, threshold ?? service.Options.Threshold);
                return TypedResults.Ok(VerifyJson.From(service.Recognizer.Fingerprint, verification));
            })
            .WithName("Verify")
            .WithSummary("Whether two photos show the same person (the largest face of each), with the distance")
            .Produces<VerifyJson>()
            .ProducesProblem(StatusCodes.Status400BadRequest).ProducesProblem(StatusCodes.Status422UnprocessableEntity);

        group.MapPost("/embed", async (IFormFile? image, VisageService service, CancellationToken ct) =>
            {
                if (image is null) return Uploads.Missing("image");
                using var photo = await Uploads.DecodeAsync(service.Recognizer, "image", image, ct);
                var faces = service.Recognizer.Find(photo);
                return TypedResults.Ok(EmbedJson.From(photo.Source, service.Recognizer.Fingerprint,
                    service.Recognizer.Dimensions, faces));
            })
            .WithName("Embed")
            .WithSummary("Every face of a photo with its encoding")
            .Produces<EmbedJson>()
            .ProducesProblem(StatusCodes.Status400BadRequest).ProducesProblem(StatusCodes.Status422UnprocessableEntity);

        group.MapPost("/detect", async (IFormFile? image, VisageService service, CancellationToken ct) =>
            {
                if (image is null) return Uploads.Missing("image");
                using var photo = await Uploads.DecodeAsync(service.Recognizer, "image", image, ct);
                return TypedResults.Ok(DetectJson.From(photo.Source, service.Recognizer.ModelId,
                    service.Recognizer.Detect(photo)));
            })
            .WithName("Detect")
            .WithSummary("Where the faces of a photo are: boxes and scores only")
            .Produces<DetectJson>()
            .ProducesProblem(StatusCodes.Status400BadRequest).ProducesProblem(StatusCodes.Status422UnprocessableEntity);
    }

    /// <summary>Recognizes every face of the upload; the unknown ones are reported to the strangers, as <paramref name="seenBy"/>.</summary>
    /// <param name="liveness">Check each face's liveness (true), never (false), or as the recognizer was loaded (null).</param>
    private static async Task<IdentifyJson> RecognizeAsync(VisageService service, IFormFile image, int? top,
        string seenBy, CancellationToken ct, bool? liveness = null)
    {
        var total = Stopwatch.StartNew();
        using var photo = await Uploads.DecodeAsync(service.Recognizer, "image", image, ct);
        var decoded = total.Elapsed.TotalMilliseconds;
        var faces = liveness is { } check ? service.Recognizer.Find(photo, check) : service.Recognizer.Find(photo);
        var found = total.Elapsed.TotalMilliseconds;
        var people = service.People;
        var threshold = people.Threshold;
        var identified = people.Identify(faces);
        var matched = total.Elapsed.TotalMilliseconds;
        service.Strangers.PostUnknown(photo, identified, $"{seenBy} {photo.Source}", DateTimeOffset.UtcNow);
        var timings = new Dictionary<string, double>
        {
            ["decode"] = Math.Round(decoded, 2),
            ["faces"] = Math.Round(found - decoded, 2),
            ["match"] = Math.Round(matched - found, 2),
            ["total"] = Math.Round(matched, 2),
        };
        return IdentifyJson.From(photo.Source, service.Recognizer.Fingerprint, threshold, identified,
            Math.Clamp(top ?? service.Options.Candidates, 0, 100), timings);
    }
}

/// <summary>A frame of the live view: <c>{"recognition": identify, "greeting": {"people","text"} or null}</c>.</summary>
public sealed record LiveFrameJson(IdentifyJson Recognition, GreetingJson? Greeting);

/// <summary>Who to greet now and the seed's words for it: <c>{"people","text"}</c>, as watch events say it.</summary>
public sealed record GreetingJson(IReadOnlyList<string> People, string Text);
