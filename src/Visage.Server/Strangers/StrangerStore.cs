using System.Globalization;
using Microsoft.Data.Sqlite;

namespace Visage.Server.Strangers;

/// <summary>
/// The strangers' file in the service's data folder, one per pipeline (<c>strangers-FINGERPRINT.db</c>, the
/// fingerprint also stored inside): encodings mean nothing under another model, so a service started with
/// another model starts another file and finds this one again when switched back. Owner-only, WAL.
/// </summary>
internal sealed class StrangerStore : IDisposable
{
    private readonly SqliteConnection _connection;

    private StrangerStore(string path, SqliteConnection connection)
    {
        Path = path;
        _connection = connection;
    }

    public string Path { get; }

    public static StrangerStore Open(string dataFolder, string fingerprint)
    {
        var path = System.IO.Path.Combine(DataFolder.Ensure(dataFolder), $"strangers-{fingerprint}.db");
        DataFolder.CreatePrivateFile(path);
        var connection = new SqliteConnection(new SqliteConnectionStringBuilder
        {
            DataSource = path, Mode = SqliteOpenMode.ReadWrite, DefaultTimeout = 10, Pooling = false,
        }.ToString());
        var store = new StrangerStore(path, connection);
        try
        {
            connection.Open();
            store.Execute("PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL; PRAGMA foreign_keys = ON; PRAGMA secure_delete = ON;");
            store.Execute("""
                CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
                CREATE TABLE IF NOT EXISTS groups (
                    id INTEGER PRIMARY KEY AUTOINCREMENT,
                    created_at TEXT NOT NULL,
                    sightings INTEGER NOT NULL,
                    last_seen_at TEXT NOT NULL
                );
                CREATE TABLE IF NOT EXISTS faces (
                    id INTEGER PRIMARY KEY AUTOINCREMENT,
                    group_id INTEGER REFERENCES groups(id),
                    embedding BLOB NOT NULL,
                    crop BLOB NOT NULL,
                    source TEXT NOT NULL,
                    seen_at TEXT NOT NULL,
                    key TEXT NOT NULL UNIQUE
                );
                CREATE INDEX IF NOT EXISTS faces_group ON faces(group_id);
                CREATE TABLE IF NOT EXISTS undo (
                    id INTEGER PRIMARY KEY AUTOINCREMENT,
                    change TEXT NOT NULL,
                    at TEXT NOT NULL,
                    data TEXT NOT NULL
                );
                """);
            var stored = store.Scalar("SELECT value FROM meta WHERE key = 'fingerprint'") as string;
            if (stored is null) store.Execute("INSERT INTO meta (key, value) VALUES ('fingerprint', $f)", ("$f", fingerprint));
            else if (stored != fingerprint)
                throw new VisageException($"{path}: holds strangers of pipeline {stored}, not {fingerprint}; move it away");
            return store;
        }
        catch (SqliteException e)
        {
            store.Dispose();
            throw new VisageException($"{path}: cannot open the strangers' file ({e.Message}); move it away to start afresh", e);
        }
        catch
        {
            store.Dispose();
            throw;
        }
    }

    public SqliteTransaction Begin() => _connection.BeginTransaction();

    public sealed record FaceRow(long Id, long? Group, float[] Embedding, string Source, DateTimeOffset SeenAt, string Key);

    public sealed record GroupRow(long Id, DateTimeOffset CreatedAt, int Sightings, DateTimeOffset LastSeenAt);

    public List<FaceRow> Faces()
    {
        using var command = _connection.CreateCommand();
        command.CommandText = "SELECT id, group_id, embedding, source, seen_at, key FROM faces ORDER BY id";
        using var reader = command.ExecuteReader();
        var faces = new List<FaceRow>();
        while (reader.Read())
            faces.Add(new FaceRow(reader.GetInt64(0), reader.IsDBNull(1) ? null : reader.GetInt64(1),
                FromBlob((byte[])reader[2]), reader.GetString(3), Time(reader.GetString(4)), reader.GetString(5)));
        return faces;
    }

    public List<GroupRow> Groups()
    {
        using var command = _connection.CreateCommand();
        command.CommandText = "SELECT id, created_at, sightings, last_seen_at FROM groups ORDER BY id";
        using var reader = command.ExecuteReader();
        var groups = new List<GroupRow>();
        while (reader.Read())
            groups.Add(new GroupRow(reader.GetInt64(0), Time(reader.GetString(1)), reader.GetInt32(2), Time(reader.GetString(3))));
        return groups;
    }

    public long InsertFace(SqliteTransaction? transaction, long? group, float[] embedding, byte[] crop, string source,
        DateTimeOffset seenAt, string key) =>
        (long)Scalar("""
            INSERT INTO faces (group_id, embedding, crop, source, seen_at, key) VALUES ($g, $e, $c, $s, $t, $k) RETURNING id
            """, transaction, ("$g", group), ("$e", ToBlob(embedding)), ("$c", crop), ("$s", source), ("$t", Text(seenAt)),
            ("$k", key))!;

    /// <summary>A new group (or one restored under its old id).</summary>
    public long InsertGroup(SqliteTransaction? transaction, DateTimeOffset createdAt, int sightings, DateTimeOffset lastSeenAt,
        long? id = null) =>
        (long)Scalar("""
            INSERT INTO groups (id, created_at, sightings, last_seen_at) VALUES ($id, $c, $n, $l) RETURNING id
            """, transaction, ("$id", id), ("$c", Text(createdAt)), ("$n", sightings), ("$l", Text(lastSeenAt)))!;

    public void CountSighting(SqliteTransaction? transaction, long group, int sightings, DateTimeOffset seenAt) =>
        Execute("""
            UPDATE groups SET sightings = sightings + $n,
                last_seen_at = CASE WHEN last_seen_at < $t THEN $t ELSE last_seen_at END WHERE id = $g
            """, transaction, ("$n", sightings), ("$t", Text(seenAt)), ("$g", group));

    public void MoveFaces(SqliteTransaction? transaction, IEnumerable<long> faces, long? group)
    {
        foreach (var face in faces)
            Execute("UPDATE faces SET group_id = $g WHERE id = $f", transaction, ("$g", group), ("$f", face));
    }

    public void DeleteFaces(SqliteTransaction? transaction, IEnumerable<long> faces)
    {
        foreach (var face in faces) Execute("DELETE FROM faces WHERE id = $f", transaction, ("$f", face));
    }

    /// <summary>Deletes groups left without a face.</summary>
    public void DeleteEmptyGroups(SqliteTransaction? transaction) =>
        Execute("DELETE FROM groups WHERE id NOT IN (SELECT group_id FROM faces WHERE group_id IS NOT NULL)", transaction);

    public void DeleteGroup(SqliteTransaction? transaction, long group)
    {
        Execute("DELETE FROM faces WHERE group_id = $g", transaction, ("$g", group));
        Execute("DELETE FROM groups WHERE id = $g", transaction, ("$g", group));
    }

    public byte[]? Crop(long face) => Scalar("SELECT crop FROM faces WHERE id = $f", null, ("$f", face)) as byte[];

    public void PushUndo(SqliteTransaction transaction, string change, string data, int depth)
    {
        Execute("INSERT INTO undo (change, at, data) VALUES ($c, $t, $d)", transaction,
            ("$c", change), ("$t", Text(DateTimeOffset.UtcNow)), ("$d", data));
        Execute("DELETE FROM undo WHERE id NOT IN (SELECT id FROM undo ORDER BY id DESC LIMIT $n)", transaction, ("$n", depth));
    }

    /// <summary>The newest undo entry: its id, change and data; null when there is none.</summary>
    public (long Id, string Change, string Data)? PeekUndo()
    {
        using var command = _connection.CreateCommand();
        command.CommandText = "SELECT id, change, data FROM undo ORDER BY id DESC LIMIT 1";
        using var reader = command.ExecuteReader();
        return reader.Read() ? (reader.GetInt64(0), reader.GetString(1), reader.GetString(2)) : null;
    }

    public void DropUndo(SqliteTransaction transaction, long id) =>
        Execute("DELETE FROM undo WHERE id = $id", transaction, ("$id", id));

    /// <summary>Reclaims the space of erased faces, so their encodings and crops are gone from the file.</summary>
    public void Vacuum() => Execute("PRAGMA wal_checkpoint(TRUNCATE); VACUUM;");

    private void Execute(string sql, params (string Name, object? Value)[] parameters) => Execute(sql, null, parameters);

    private void Execute(string sql, SqliteTransaction? transaction, params (string Name, object? Value)[] parameters)
    {
        using var command = Command(sql, transaction, parameters);
        command.ExecuteNonQuery();
    }

    private object? Scalar(string sql, params (string Name, object? Value)[] parameters) => Scalar(sql, null, parameters);

    private object? Scalar(string sql, SqliteTransaction? transaction, params (string Name, object? Value)[] parameters)
    {
        using var command = Command(sql, transaction, parameters);
        return command.ExecuteScalar();
    }

    private SqliteCommand Command(string sql, SqliteTransaction? transaction, (string Name, object? Value)[] parameters)
    {
        var command = _connection.CreateCommand();
        command.CommandText = sql;
        command.Transaction = transaction;
        foreach (var (name, value) in parameters) command.Parameters.AddWithValue(name, value ?? DBNull.Value);
        return command;
    }

    private static string Text(DateTimeOffset time) =>
        time.ToUniversalTime().ToString("yyyy-MM-dd'T'HH:mm:ss.fffffff'Z'", CultureInfo.InvariantCulture);

    private static DateTimeOffset Time(string text) =>
        DateTimeOffset.Parse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal);

    private static byte[] ToBlob(float[] vector)
    {
        var bytes = new byte[vector.Length * sizeof(float)];
        Buffer.BlockCopy(vector, 0, bytes, 0, bytes.Length);
        return bytes;
    }

    private static float[] FromBlob(byte[] bytes)
    {
        var vector = new float[bytes.Length / sizeof(float)];
        Buffer.BlockCopy(bytes, 0, vector, 0, bytes.Length);
        return vector;
    }

    public void Dispose() => _connection.Dispose();
}
