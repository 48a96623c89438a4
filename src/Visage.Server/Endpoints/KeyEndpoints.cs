using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Visage.Server.Hosting;
using Visage.Server.Security;

namespace Visage.Server.Endpoints;

/// <summary>API keys (role <c>admin</c>): list, create (the key is shown once), revoke.</summary>
internal static class KeyEndpoints
{
    public static void Map(IEndpointRouteBuilder routes)
    {
        var group = routes.MapGroup("/api/keys").WithTags("Keys").RequireAuthorization(Policies.Admin);

        group.MapGet("/", (VisageService service) => TypedResults.Ok(new KeysJson(service.Keys.List().Select(ApiKeyJson.From).ToList())))
            .WithName("ListKeys")
            .WithSummary("Every key with its id, name, role and dates (never the key: only its hash is stored)")
            .Produces<KeysJson>();

        group.MapPost("/", (KeyRequest request, VisageService service) =>
            {
                ApiKeyRole role;
                try
                {
                    role = ApiKeyStore.ParseRole(request.Role);
                }
                catch (ArgumentException e)
                {
                    return Problems.Result(StatusCodes.Status400BadRequest, e.Message, new Dictionary<string, object?> { ["field"] = "role" });
                }
                NewApiKey made;
                try
                {
                    made = service.Keys.Create(request.Name ?? "", role);
                }
                catch (ArgumentException e)
                {
                    return Problems.Result(StatusCodes.Status400BadRequest, e.Message, new Dictionary<string, object?> { ["field"] = "name" });
                }
                return TypedResults.Created($"/api/keys/{made.Key.Id}", NewApiKeyJson.From(made));
            })
            .WithName("CreateKey")
            .WithSummary("Makes a key ({\"name\", \"role\": \"admin\" or \"recognize\"}); the answer holds the key, shown this once")
            .Produces<NewApiKeyJson>(StatusCodes.Status201Created).ProducesProblem(StatusCodes.Status400BadRequest);

        group.MapDelete("/{id}", (string id, VisageService service) =>
            {
                try
                {
                    return Results.Ok(ApiKeyJson.From(service.Keys.Revoke(id)));
                }
                catch (KeyNotFoundException e)
                {
                    return Problems.Result(StatusCodes.Status404NotFound, e.Message);
                }
                catch (InvalidOperationException e)
                {
                    return Problems.Result(StatusCodes.Status409Conflict, e.Message);
                }
            })
            .WithName("RevokeKey")
            .WithSummary("Revokes a key at once; the last admin key cannot be revoked")
            .Produces<ApiKeyJson>().ProducesProblem(StatusCodes.Status404NotFound).ProducesProblem(StatusCodes.Status409Conflict);
    }
}

/// <summary><c>{"name","role"}</c>: a key to make.</summary>
public sealed record KeyRequest(string? Name, string? Role);

/// <summary>A key as listed: <c>{"id","name","role","createdAt","revokedAt"}</c>.</summary>
public sealed record ApiKeyJson(string Id, string Name, ApiKeyRole Role, DateTimeOffset CreatedAt, DateTimeOffset? RevokedAt)
{
    public static ApiKeyJson From(ApiKey k) => new(k.Id, k.Name, k.Role, k.CreatedAt, k.RevokedAt);
}

/// <summary>A key just made: the listed fields plus <c>"key"</c>, the secret, shown once.</summary>
public sealed record NewApiKeyJson(string Id, string Name, ApiKeyRole Role, DateTimeOffset CreatedAt, string Key)
{
    public static NewApiKeyJson From(NewApiKey k) => new(k.Key.Id, k.Key.Name, k.Key.Role, k.Key.CreatedAt, k.Secret);
}

/// <summary><c>{"keys"}</c>.</summary>
public sealed record KeysJson(IReadOnlyList<ApiKeyJson> Keys);
