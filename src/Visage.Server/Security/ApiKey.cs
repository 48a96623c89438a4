namespace Visage.Server.Security;

/// <summary>A key as stored: never the key itself, only its SHA-256 (see <see cref="ApiKeyStore"/>).</summary>
public sealed record ApiKey(string Id, string Name, ApiKeyRole Role, DateTimeOffset CreatedAt, DateTimeOffset? RevokedAt)
{
    public bool Active => RevokedAt is null;
}

/// <summary>A key just made: the secret is in <see cref="Secret"/>, shown once and stored nowhere.</summary>
public sealed record NewApiKey(ApiKey Key, string Secret);
