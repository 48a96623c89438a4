using System.Reflection;
using System.Security.Claims;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Visage.Json;
using Visage.Server.Hosting;
using Visage.Server.Security;

namespace Visage.Server.Endpoints;

/// <summary>version, and the page's session (any valid key). /health is mapped with the health checks.</summary>
internal static class SystemEndpoints
{
    public static string Version { get; } =
        typeof(SystemEndpoints).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion
            .Split('+')[0] ?? "0.0.0";

    public static void Map(IEndpointRouteBuilder routes)
    {
        var group = routes.MapGroup("/api").WithTags("Service").RequireAuthorization();

        group.MapGet("/version", (VisageService service) =>
            {
                var people = service.People;
                return TypedResults.Ok(new VersionJson(Version, service.Recognizer.ModelId, service.Recognizer.Fingerprint.Id,
                    service.Recognizer.Dimensions, service.Gallery, people.PeopleCount, people.FaceCount,
                    ThresholdJson.From(people.Threshold), LivenessSettingJson.Of(service.Recognizer)));
            })
            .WithName("Version")
            .WithSummary("The service's version, its model and pipeline fingerprint, how many people and faces it knows, and its liveness check")
            .WithDescription("'liveness' {model, threshold, loaded}: the network the service checks faces with (cameras with 'liveness' on, /api/recognize?liveness=true), the score a face needs to pass, and whether the network is loaded yet (it loads on first need).")
            .Produces<VersionJson>();

        group.MapGet("/session", (ClaimsPrincipal user) => TypedResults.Ok(SessionJson.Of(user)))
            .WithName("WhoAmI")
            .WithSummary("The key this request was made with: its name and role")
            .Produces<SessionJson>();

        group.MapPost("/session", (HttpContext http) =>
            {
                // The page signs in by sending its key once in the header; the browser then keeps it in a cookie
                // that scripts cannot read and other sites cannot make it send.
                var key = http.Request.Headers[ApiKeyAuthentication.Header].FirstOrDefault();
                if (string.IsNullOrEmpty(key))
                    return Problems.Result(StatusCodes.Status400BadRequest,
                        $"{ApiKeyAuthentication.Header}: send the key in the header to sign in");
                http.Response.Cookies.Append(ApiKeyAuthentication.Cookie, key.Trim(), new CookieOptions
                {
                    HttpOnly = true,
                    SameSite = SameSiteMode.Strict,
                    Secure = http.Request.IsHttps,
                    Path = "/",
                    IsEssential = true,
                });
                return TypedResults.Ok(SessionJson.Of(http.User));
            })
            .WithName("SignIn")
            .WithSummary("For the page: keeps the key of the X-Api-Key header in an HttpOnly, SameSite=Strict cookie")
            .Produces<SessionJson>();

        group.MapDelete("/session", (HttpContext http) =>
            {
                http.Response.Cookies.Delete(ApiKeyAuthentication.Cookie, new CookieOptions { Path = "/" });
                return Results.NoContent();
            })
            .WithName("SignOut")
            .WithSummary("For the page: forgets the key cookie")
            .Produces(StatusCodes.Status204NoContent);
    }
}

/// <summary>
/// <c>{"version","model","fingerprint","dimensions","gallery","people","faces","threshold","liveness"}</c>.
/// </summary>
public sealed record VersionJson(string Version, string Model, string Fingerprint, int Dimensions, string Gallery,
    int People, int Faces, ThresholdJson Threshold, LivenessSettingJson Liveness);

/// <summary>
/// The service's liveness check: <c>{"model","threshold","loaded"}</c>, <c>threshold</c> the score a face needs to pass
/// (as in a face's <c>"liveness": {"score","threshold","live"}</c>), <c>loaded</c> whether the network is loaded yet.
/// </summary>
public sealed record LivenessSettingJson(string Model, float Threshold, bool Loaded)
{
    /// <summary>The network <see cref="VisageService.EnsureLivenessAsync"/> loads (or has loaded) and its threshold.</summary>
    public static LivenessSettingJson Of(FaceRecognizer recognizer)
    {
        var model = recognizer.LivenessModel ?? RecognizerOptions.DefaultLivenessModel;
        return new LivenessSettingJson(model, recognizer.LivenessThresholdOf(model), recognizer.LivenessModel is not null);
    }
}

/// <summary>The caller's key: <c>{"name","role"}</c>.</summary>
public sealed record SessionJson(string Name, string Role)
{
    public static SessionJson Of(ClaimsPrincipal user) =>
        new(user.Identity?.Name ?? "", user.FindFirstValue(ClaimTypes.Role) ?? "");
}
