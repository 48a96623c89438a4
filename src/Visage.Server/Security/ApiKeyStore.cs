using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Microsoft.Data.Sqlite;

namespace Visage.Server.Security;

/// <summary>
/// The service's API keys in <c>keys.db</c> of its data folder (owner-only). A key is 32 random bytes, shown
/// once when made; the file keeps only its SHA-256, so a copy of the file lets nobody in. Every lookup reads
/// the file, so keys made or revoked by <c>visage keys</c> while the service runs apply to the next request.
/// </summary>
public sealed class ApiKeyStore
{
    private const string Prefix = "visage_";
    private readonly string _connectionString;

    private ApiKeyStore(string path)
    {
        Path = path;
        _connectionString = new SqliteConnectionStringBuilder { DataSource = path, Mode = SqliteOpenMode.ReadWriteCreate, DefaultTimeout = 10 }.ToString();
    }

    public string Path { get; }

    /// <summary>Opens (creating when missing) the key file of <paramref name="dataFolder"/>.</summary>
    public static ApiKeyStore Open(string dataFolder)
    {
        var folder = DataFolder.Ensure(dataFolder);
        var path = System.IO.Path.Combine(folder, "keys.db");
        DataFolder.CreatePrivateFile(path);
        var store = new ApiKeyStore(path);
        store.Execute("""
            CREATE TABLE IF NOT EXISTS api_keys (
                id TEXT PRIMARY KEY,
                name TEXT NOT NULL,
                role TEXT NOT NULL,
                sha256 TEXT NOT NULL UNIQUE,
                created_at TEXT NOT NULL,
                revoked_at TEXT
            )
            """);
        return store;
    }

    /// <summary>Makes a key; <paramref name="name"/> says whose or what it is for (at most 64 characters).</summary>
    public NewApiKey Create(string name, ApiKeyRole role)
    {
        name = CheckName(name);
        var secret = Prefix + Base64Url(RandomNumberGenerator.GetBytes(32));
        var key = new ApiKey(Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(6)), name, role,
            DateTimeOffset.UtcNow, null);
        using var connection = OpenConnection();
        using var command = connection.CreateCommand();
        command.CommandText = "INSERT INTO api_keys (id, name, role, sha256, created_at) VALUES ($id, $name, $role, $hash, $at)";
        command.Parameters.AddWithValue("$id", key.Id);
        command.Parameters.AddWithValue("$name", key.Name);
        command.Parameters.AddWithValue("$role", RoleName(role));
        command.Parameters.AddWithValue("$hash", Hash(secret));
        command.Parameters.AddWithValue("$at", key.CreatedAt.ToString("O", CultureInfo.InvariantCulture));
        command.ExecuteNonQuery();
        return new NewApiKey(key, secret);
    }

    public IReadOnlyList<ApiKey> List()
    {
        using var connection = OpenConnection();
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT id, name, role, created_at, revoked_at FROM api_keys ORDER BY created_at, id";
        using var reader = command.ExecuteReader();
        var keys = new List<ApiKey>();
        while (reader.Read()) keys.Add(Read(reader));
        return keys;
    }

    /// <summary>The active key whose secret this is, or null (unknown, revoked, or not a key at all).</summary>
    public ApiKey? Find(string secret)
    {
        if (!secret.StartsWith(Prefix, StringComparison.Ordinal) || secret.Length > 128) return null;
        using var connection = OpenConnection();
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT id, name, role, created_at, revoked_at FROM api_keys WHERE sha256 = $hash AND revoked_at IS NULL";
        command.Parameters.AddWithValue("$hash", Hash(secret));
        using var reader = command.ExecuteReader();
        return reader.Read() ? Read(reader) : null;
    }

    /// <summary>
    /// Revokes a key by id. The last active admin key is kept (revoking it would lock everyone out; make
    /// another first). Returns the key as it is now.
    /// </summary>
    public ApiKey Revoke(string id)
    {
        using var connection = OpenConnection();
        using var transaction = connection.BeginTransaction(deferred: false);
        var key = List(connection, transaction).FirstOrDefault(k => k.Id == id)
                  ?? throw new KeyNotFoundException($"no API key with id {id}");
        if (!key.Active) return key;
        if (key.Role == ApiKeyRole.Admin && List(connection, transaction).Count(k => k.Active && k.Role == ApiKeyRole.Admin) == 1)
            throw new InvalidOperationException($"API key {id} ({key.Name}) is the last admin key: create another admin key before revoking it");
        using var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = "UPDATE api_keys SET revoked_at = $at WHERE id = $id";
        command.Parameters.AddWithValue("$id", id);
        var now = DateTimeOffset.UtcNow;
        command.Parameters.AddWithValue("$at", now.ToString("O", CultureInfo.InvariantCulture));
        command.ExecuteNonQuery();
        transaction.Commit();
        return key with { RevokedAt = now };
    }

    public bool HasActiveAdmin() => List().Any(k => k.Active && k.Role == ApiKeyRole.Admin);

    public static string RoleName(ApiKeyRole role) => role switch
    {
        ApiKeyRole.Admin => "admin",
        _ => "recognize",
    };

    public static ApiKeyRole ParseRole(string? text) => text?.Trim().ToLowerInvariant() switch
    {
        "admin" => ApiKeyRole.Admin,
        "recognize" => ApiKeyRole.Recognize,
        _ => throw new ArgumentException($"role '{text}': use 'admin' or 'recognize'"),
    };

    private static string CheckName(string name)
    {
        name = name.Trim();
        if (name.Length is 0 or > 64 || name.Any(char.IsControl))
            throw new ArgumentException($"key name '{name}': 1 to 64 printable characters are needed");
        return name;
    }

    private static List<ApiKey> List(SqliteConnection connection, SqliteTransaction transaction)
    {
        using var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = "SELECT id, name, role, created_at, revoked_at FROM api_keys";
        using var reader = command.ExecuteReader();
        var keys = new List<ApiKey>();
        while (reader.Read()) keys.Add(Read(reader));
        return keys;
    }

    private static ApiKey Read(SqliteDataReader reader) => new(reader.GetString(0), reader.GetString(1),
        ParseRole(reader.GetString(2)), DateTimeOffset.Parse(reader.GetString(3), CultureInfo.InvariantCulture),
        reader.IsDBNull(4) ? null : DateTimeOffset.Parse(reader.GetString(4), CultureInfo.InvariantCulture));

    private static string Hash(string secret) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(secret)));

    private static string Base64Url(byte[] bytes) => Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');

    private SqliteConnection OpenConnection()
    {
        var connection = new SqliteConnection(_connectionString);
        connection.Open();
        return connection;
    }

    private void Execute(string sql)
    {
        using var connection = OpenConnection();
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        command.ExecuteNonQuery();
    }
}
