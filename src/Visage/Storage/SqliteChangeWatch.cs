using Microsoft.Data.Sqlite;

namespace Visage.Storage;

/// <summary>
/// Tells cheaply whether anyone committed to a gallery file since the last look: a read-only connection of its
/// own asks SQLite for <c>PRAGMA data_version</c>, a number that changes when another connection (another
/// program, or this one's writing connection) commits, and costs no read of the file's pages. Then
/// <see cref="ReadStamp"/> says whether the change counter moved. Thread-safe.
/// </summary>
internal sealed class SqliteChangeWatch : IDisposable
{
    private readonly SqliteConnection _connection;
    private readonly Lock _gate = new();

    public SqliteChangeWatch(string connectionString)
    {
        var builder = new SqliteConnectionStringBuilder(connectionString) { Mode = SqliteOpenMode.ReadOnly, Pooling = false };
        _connection = new SqliteConnection(builder.ToString());
        _connection.Open();
    }

    /// <summary>SQLite's data version of the file as this connection sees it.</summary>
    public long DataVersion()
    {
        lock (_gate)
        {
            using var command = _connection.CreateCommand();
            command.CommandText = "PRAGMA data_version";
            return (long)command.ExecuteScalar()!;
        }
    }

    /// <summary>The gallery's stamp ("GALLERY-ID:CHANGES"), read through this connection.</summary>
    public string ReadStamp()
    {
        lock (_gate)
        {
            using var command = _connection.CreateCommand();
            command.CommandText = "SELECT key, value FROM meta WHERE key IN ('gallery_id', 'changes')";
            var values = new Dictionary<string, string>();
            using var reader = command.ExecuteReader();
            while (reader.Read()) values[reader.GetString(0)] = reader.GetString(1);
            return $"{values.GetValueOrDefault("gallery_id", "unstamped")}:{values.GetValueOrDefault("changes", "0")}";
        }
    }

    public void Dispose()
    {
        lock (_gate) _connection.Dispose();
    }
}
