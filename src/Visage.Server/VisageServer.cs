using System.Net;
using System.Security.Claims;
using System.Text.Json;
using System.Threading.RateLimiting;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Http.Json;
using Microsoft.AspNetCore.RateLimiting;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.FileProviders;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.OpenApi;
using Visage.Json;
using Visage.Server.Cameras;
using Visage.Server.Endpoints;
using Visage.Server.Events;
using Visage.Server.Webhooks;
using Visage.Server.Hosting;
using Visage.Server.Security;

namespace Visage.Server;

/// <summary>
/// The Visage service: an HTTP API and a page over the library's facade. <see cref="AddVisageServer"/> registers
/// its parts, <see cref="UseVisageServer"/> builds its pipeline, so the same service runs under
/// <c>visage serve</c> (<see cref="RunAsync"/>) and in tests (in memory). Later parts plug in at the marked
/// places: background workers (cameras) as hosted services sharing <see cref="VisageService"/>, their
/// endpoints as one more Map call.
/// </summary>
public static class VisageServer
{
    /// <summary>
    /// Opens the gallery and keys with a loaded recognizer, creates the first admin key when there is none
    /// (printed once through <paramref name="say"/>), and serves until <paramref name="ct"/> is cancelled.
    /// </summary>
    public static async Task RunAsync(ServerOptions options, FaceRecognizer recognizer, Action<string> say,
        CancellationToken ct)
    {
        using var service = await VisageService.OpenAsync(options, recognizer, ct: ct);
        AnnounceFirstKey(service, say);

        await using var app = await StartAsync(service, ct);
        foreach (var address in app.Urls) say($"serving on {address} (the page; the API under /api; reference at /docs)");
        try
        {
            await Task.Delay(Timeout.Infinite, ct);
        }
        catch (OperationCanceledException)
        {
        }
        await app.StopAsync(CancellationToken.None);
    }

    /// <summary>
    /// Starts the service on Kestrel at <see cref="ServerOptions.Urls"/> (port 0 picks a free one; the app's
    /// <c>Urls</c> say which) and returns it running; stop and dispose it to end.
    /// </summary>
    public static async Task<WebApplication> StartAsync(VisageService service, CancellationToken ct = default)
    {
        var options = service.Options;
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls(options.Urls.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));
        builder.WebHost.ConfigureKestrel(kestrel =>
        {
            kestrel.Limits.MaxRequestBodySize = options.MaxRequestBytes;
            kestrel.AddServerHeader = false;
        });
        builder.Logging.ClearProviders();
        builder.Services.AddVisageServer(service);
        var app = builder.Build();
        app.UseVisageServer();
        await app.StartAsync(ct);
        return app;
    }

    /// <summary>Creates an admin key when none is active, and says it once (only its hash is kept).</summary>
    public static NewApiKey? AnnounceFirstKey(VisageService service, Action<string> say)
    {
        if (!service.Options.CreateFirstAdminKey || service.Keys.HasActiveAdmin()) return null;
        var made = service.Keys.Create("first admin key", ApiKeyRole.Admin);
        say($"created an admin API key; it is shown this once, keep it: {made.Secret}");
        return made;
    }

    public static IServiceCollection AddVisageServer(this IServiceCollection services, VisageService service)
    {
        var options = service.Options;
        services.AddSingleton(service);
        services.AddSingleton(options);
        services.AddSingleton(service.Keys);

        services.ConfigureHttpJsonOptions(json => VisageJson.Configure(json.SerializerOptions));
        services.Configure<RouteHandlerOptions>(o => o.ThrowOnBadRequest = true);
        services.Configure<FormOptions>(form =>
        {
            form.MultipartBodyLengthLimit = options.MaxRequestBytes;
            form.ValueCountLimit = 64;
        });
        services.AddProblemDetails();
        services.AddExceptionHandler<VisageExceptionHandler>();
        services.AddRouting();

        services.AddAuthentication(ApiKeyAuthentication.SchemeName)
            .AddScheme<Microsoft.AspNetCore.Authentication.AuthenticationSchemeOptions, ApiKeyAuthentication>(ApiKeyAuthentication.SchemeName, null);
        services.AddAuthorizationBuilder()
            .SetFallbackPolicy(new AuthorizationPolicyBuilder(ApiKeyAuthentication.SchemeName).RequireAuthenticatedUser().Build())
            .AddPolicy(Policies.Admin, p => p.RequireAuthenticatedUser().RequireRole("admin"))
            .AddPolicy(Policies.Recognize, p => p.RequireAuthenticatedUser().RequireRole("admin", "recognize"));

        services.AddRateLimiter(limiter =>
        {
            limiter.GlobalLimiter = PartitionedRateLimiter.Create<HttpContext, string>(http =>
            {
                if (options.RateLimit <= 0) return RateLimitPartition.GetNoLimiter("off");
                var who = http.User.FindFirstValue(ApiKeyAuthentication.KeyIdClaim) is { } key
                    ? "key:" + key
                    : "address:" + (http.Connection.RemoteIpAddress ?? IPAddress.None);
                return RateLimitPartition.GetTokenBucketLimiter(who, _ => new TokenBucketRateLimiterOptions
                {
                    TokenLimit = options.RateLimit,
                    TokensPerPeriod = options.RateLimit,
                    ReplenishmentPeriod = options.RatePeriod,
                    QueueLimit = 0,
                    AutoReplenishment = true,
                });
            });
            limiter.OnRejected = async (context, ct) =>
            {
                var retry = context.Lease.TryGetMetadata(MetadataName.RetryAfter, out var after)
                    ? Math.Max(1, (int)Math.Ceiling(after.TotalSeconds))
                    : Math.Max(1, (int)Math.Ceiling(options.RatePeriod.TotalSeconds));
                context.HttpContext.Response.Headers.RetryAfter = retry.ToString(System.Globalization.CultureInfo.InvariantCulture);
                await Problems.WriteAsync(context.HttpContext, StatusCodes.Status429TooManyRequests,
                    $"rate limit: more than {options.RateLimit} requests per {Words(options.RatePeriod)} from this key; retry after {retry} s");
            };
        });

        services.AddHealthChecks()
            .AddCheck<ModelHealthCheck>("model")
            .AddCheck<GalleryHealthCheck>("gallery")
            .AddCheck<IndexHealthCheck>("index");

        services.AddOpenApi("v1", openApi =>
        {
            openApi.AddDocumentTransformer((document, _, _) =>
            {
                document.Info = new OpenApiInfo
                {
                    Title = "Visage",
                    Version = SystemEndpoints.Version,
                    Description = "Face recognition as a service: enroll people, then recognise them in photos. " +
                                  "Every request but /health needs an API key in the X-Api-Key header; errors are application/problem+json.",
                };
                document.Components ??= new OpenApiComponents();
                document.Components.SecuritySchemes ??= new Dictionary<string, IOpenApiSecurityScheme>();
                document.Components.SecuritySchemes[ApiKeyAuthentication.SchemeName] = new OpenApiSecurityScheme
                {
                    Type = SecuritySchemeType.ApiKey,
                    In = ParameterLocation.Header,
                    Name = ApiKeyAuthentication.Header,
                    Description = "A key made at first start or with 'visage keys create' (role admin or recognize)",
                };
                document.Security ??= [];
                document.Security.Add(new OpenApiSecurityRequirement
                {
                    [new OpenApiSecuritySchemeReference(ApiKeyAuthentication.SchemeName, document)] = [],
                });
                return Task.CompletedTask;
            });
        });

        // Cameras, their events and the webhooks: background workers sharing the VisageService singleton.
        var webhooks = new WebhookDispatcher(WebhookStore.Open(service.DataFolder), options.WebhookTimings);
        var events = EventStore.Open(service.DataFolder);
        var hub = new EventHub();
        services.AddSingleton(CameraStore.Open(service.DataFolder));
        services.AddSingleton(events);
        services.AddSingleton(hub);
        services.AddSingleton(webhooks);
        services.AddSingleton(new EventRecorder(events, hub, webhooks, options.Retention,
            line => Console.Error.WriteLine($"visage: warning: {line}")));
        services.AddSingleton<CameraWorkers>();
        services.AddHostedService(provider => provider.GetRequiredService<CameraWorkers>());
        return services;
    }

    public static IApplicationBuilder UseVisageServer(this IApplicationBuilder app)
    {
        var options = app.ApplicationServices.GetRequiredService<ServerOptions>();
        app.UseExceptionHandler();
        app.Use(LimitRequestSize(options.MaxRequestBytes));

        var page = new EmbeddedFileProvider(typeof(VisageServer).Assembly, "page");
        app.UseDefaultFiles(new DefaultFilesOptions { FileProvider = page });
        app.UseStaticFiles(new StaticFileOptions
        {
            FileProvider = page,
            OnPrepareResponse = context =>
            {
                var headers = context.Context.Response.Headers;
                headers.ContentSecurityPolicy =
                    "default-src 'self'; img-src 'self' blob: data:; media-src 'self' blob: mediastream:; connect-src 'self'; " +
                    "style-src 'self'; script-src 'self'; object-src 'none'; frame-ancestors 'none'; base-uri 'none'";
                headers.XContentTypeOptions = "nosniff";
                headers.CacheControl = "no-cache";
            },
        });

        app.UseRouting();
        app.UseAuthentication();
        app.UseRateLimiter();
        app.UseAuthorization();

        // The API reference (Swagger UI from its NuGet package, no CDN) is a middleware, not an endpoint: it
        // asks for a key here, as every endpoint does through the fallback policy.
        app.UseWhen(http => http.Request.Path.StartsWithSegments("/docs"), docs =>
        {
            docs.Use(async (http, next) =>
            {
                if (http.User.Identity?.IsAuthenticated != true)
                {
                    await http.ChallengeAsync(ApiKeyAuthentication.SchemeName);
                    return;
                }
                await next(http);
            });
        });
        app.UseSwaggerUI(ui =>
        {
            ui.RoutePrefix = "docs";
            ui.SwaggerEndpoint("/openapi/v1.json", "Visage v1");
            ui.DocumentTitle = "Visage API reference";
            ui.ConfigObject.ValidatorUrl = null;
        });

        app.UseEndpoints(endpoints =>
        {
            endpoints.MapHealthChecks("/health", new HealthCheckOptions { ResponseWriter = WriteHealthAsync }).AllowAnonymous();
            endpoints.MapOpenApi("/openapi/{documentName}.json");
            SystemEndpoints.Map(endpoints);
            PeopleEndpoints.Map(endpoints);
            RecognitionEndpoints.Map(endpoints);
            ThresholdEndpoints.Map(endpoints);
            KeyEndpoints.Map(endpoints);
            CameraEndpoints.Map(endpoints);
            EventEndpoints.Map(endpoints);
            WebhookEndpoints.Map(endpoints);
            Strangers.StrangerEndpoints.Map(endpoints);
        });
        return app;
    }

    /// <summary>Refuses a body over the limit from its declared length, before reading it; a body without a
    /// declared length is held to the same limit by Kestrel and the form reader.</summary>
    private static Func<HttpContext, RequestDelegate, Task> LimitRequestSize(long maxBytes) => async (http, next) =>
    {
        if (http.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } feature)
            feature.MaxRequestBodySize = maxBytes;
        if (http.Request.ContentLength > maxBytes)
        {
            http.Response.Headers.Connection = "close";
            await Problems.WriteAsync(http, StatusCodes.Status413PayloadTooLarge, Problems.TooLarge(maxBytes));
            return;
        }
        await next(http);
    };

    private static Task WriteHealthAsync(HttpContext http, Microsoft.Extensions.Diagnostics.HealthChecks.HealthReport report)
    {
        http.Response.ContentType = "application/json";
        var body = new HealthJson(Lower(report.Status),
            report.Entries.ToDictionary(e => e.Key, e => new HealthCheckJson(Lower(e.Value.Status), e.Value.Description)));
        return http.Response.WriteAsync(JsonSerializer.Serialize(body, VisageJson.Compact));
    }

    private static string Lower(Microsoft.Extensions.Diagnostics.HealthChecks.HealthStatus status) =>
        status.ToString().ToLowerInvariant();

    private static string Words(TimeSpan period) => period == TimeSpan.FromSeconds(1) ? "second"
        : period == TimeSpan.FromMinutes(1) ? "minute"
        : $"{period.TotalSeconds:0.###} s";
}

/// <summary><c>{"status","checks":{"model":{"status","description"},"gallery":{...}}}</c>, status healthy or unhealthy.</summary>
public sealed record HealthJson(string Status, IReadOnlyDictionary<string, HealthCheckJson> Checks);

public sealed record HealthCheckJson(string Status, string? Description);
