using Npgsql;

namespace Visage.Storage.Postgres;

/// <summary>
/// A store given as a URL, <c>postgres://USER:PASSWORD@HOST:PORT/DATABASE?sslmode=require</c> (also
/// <c>postgresql://</c>), as the Npgsql connection string it stands for. Messages show the URL without its password.
/// </summary>
internal static class PostgresLocation
{
    public static bool IsPostgres(string location) =>
        location.StartsWith("postgres://", StringComparison.OrdinalIgnoreCase)
        || location.StartsWith("postgresql://", StringComparison.OrdinalIgnoreCase);

    public static NpgsqlConnectionStringBuilder Parse(string url)
    {
        if (!IsPostgres(url) || !Uri.TryCreate(url, UriKind.Absolute, out var uri) || string.IsNullOrEmpty(uri.Host))
            throw new VisageException($"{Redact(url)}: not a store URL (postgres://USER:PASSWORD@HOST:PORT/DATABASE)");
        var database = Uri.UnescapeDataString(uri.AbsolutePath.TrimStart('/'));
        if (database.Length == 0 || database.Contains('/'))
            throw new VisageException($"{Redact(url)}: the URL names no database (postgres://HOST/DATABASE)");
        var builder = new NpgsqlConnectionStringBuilder
        {
            Host = uri.Host.Trim('[', ']'),
            Port = uri.IsDefaultPort || uri.Port <= 0 ? 5432 : uri.Port,
            Database = database,
            ApplicationName = "visage",
        };
        if (uri.UserInfo.Length > 0)
        {
            var colon = uri.UserInfo.IndexOf(':');
            builder.Username = Uri.UnescapeDataString(colon < 0 ? uri.UserInfo : uri.UserInfo[..colon]);
            if (colon >= 0) builder.Password = Uri.UnescapeDataString(uri.UserInfo[(colon + 1)..]);
        }
        foreach (var pair in uri.Query.TrimStart('?').Split('&', StringSplitOptions.RemoveEmptyEntries))
        {
            var equals = pair.IndexOf('=');
            var key = Uri.UnescapeDataString(equals < 0 ? pair : pair[..equals]);
            var value = equals < 0 ? "" : Uri.UnescapeDataString(pair[(equals + 1)..]);
            try
            {
                builder[key switch
                {
                    "sslmode" => "SSL Mode",
                    "connect_timeout" => "Timeout",
                    "application_name" => "Application Name",
                    _ => key,
                }] = value;
            }
            catch (ArgumentException)
            {
                throw new VisageException($"{Redact(url)}: unknown connection option '{key}'");
            }
        }
        return builder;
    }

    /// <summary>The URL with any password replaced by ***, for messages.</summary>
    public static string Redact(string url) =>
        // By pattern, not by parsing: a URL too broken to parse must not show its password either.
        PasswordPattern.Replace(url, "$1:***@");

    private static readonly System.Text.RegularExpressions.Regex PasswordPattern = new(
        @"^((?:postgres|postgresql)://[^:/@?#]*):[^@/?#]*@", System.Text.RegularExpressions.RegexOptions.IgnoreCase);
}
