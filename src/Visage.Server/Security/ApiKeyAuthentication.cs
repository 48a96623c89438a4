using System.Security.Claims;
using System.Text.Encodings.Web;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Visage.Server.Security;

/// <summary>
/// Who is calling: the key in the <c>X-Api-Key</c> header, or, for the page, the same key in its session cookie
/// (HttpOnly, SameSite=Strict, so another site cannot make the browser use it). Refusals are problem+json
/// that say what was wrong with the key, never whose it might be.
/// </summary>
internal sealed class ApiKeyAuthentication(IOptionsMonitor<AuthenticationSchemeOptions> options, ILoggerFactory logger,
    UrlEncoder encoder, ApiKeyStore keys) : AuthenticationHandler<AuthenticationSchemeOptions>(options, logger, encoder)
{
    public const string SchemeName = "ApiKey";
    public const string Header = "X-Api-Key";
    public const string Cookie = "visage_key";
    public const string KeyIdClaim = "visage:key";

    protected override Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        string? secret = Request.Headers[Header].FirstOrDefault();
        if (string.IsNullOrEmpty(secret)) secret = Request.Cookies[Cookie];
        if (string.IsNullOrEmpty(secret)) return Task.FromResult(AuthenticateResult.NoResult());
        var key = keys.Find(secret.Trim());
        if (key is null) return Task.FromResult(AuthenticateResult.Fail("unknown or revoked key"));
        var identity = new ClaimsIdentity(
        [
            new Claim(ClaimTypes.Name, key.Name),
            new Claim(KeyIdClaim, key.Id),
            new Claim(ClaimTypes.Role, ApiKeyStore.RoleName(key.Role)),
        ], SchemeName);
        return Task.FromResult(AuthenticateResult.Success(new AuthenticationTicket(new ClaimsPrincipal(identity), SchemeName)));
    }

    protected override Task HandleChallengeAsync(AuthenticationProperties properties)
    {
        var given = Request.Headers.ContainsKey(Header) || Request.Cookies.ContainsKey(Cookie);
        return Problems.WriteAsync(Context, StatusCodes.Status401Unauthorized,
            given ? $"{Header}: unknown or revoked API key" : $"{Header}: an API key is needed (send it in the {Header} header)");
    }

    protected override Task HandleForbiddenAsync(AuthenticationProperties properties)
    {
        var role = Context.User.FindFirstValue(ClaimTypes.Role);
        return Problems.WriteAsync(Context, StatusCodes.Status403Forbidden,
            $"{Header}: a key with role '{role}' may not {Request.Method} {Request.Path}; an admin key is needed");
    }
}

/// <summary>The two policies endpoints require.</summary>
internal static class Policies
{
    public const string Admin = "admin";
    public const string Recognize = "recognize";
}
