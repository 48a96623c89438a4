using System.Text.Json;
using Microsoft.Data.Sqlite;
using Visage.Json;
using Visage.Video;

namespace Visage.Server.Events;

/// <summary>Which events to list: any of the filters, newest first, <see cref="Limit"/> at a time, older than <see cref="Before"/> (an id).</summary>
public sealed record EventQuery(string? Camera = null, WatchEventKind? Kind = null, string? Person = null,
    DateTimeOffset? Since = null, DateTimeOffset? Until = null, long? Before = null, int Limit = 50, bool? Named = null);

/// <summary>
/// Camera events in <c>events.db</c> of the data folder, with their snapshots and face crops (deleted with the
/// event, by the database's cascade). Times are kept in Unix milliseconds, so filters and retention are index scans.
/// </summary>
public sealed class EventStore
{
    public const int MaxLimit = 500;
    private readonly LocalDatabase _database;

    private EventStore(LocalDatabase database) => _database = database;

    public static EventStore Open(string dataFolder) => new(LocalDatabase.Open(dataFolder, "events.db", """
        CREATE TABLE IF NOT EXISTS events (
            id INTEGER PRIMARY KEY AUTOINCREMENT,
            time_ms INTEGER NOT NULL,
            kind TEXT NOT NULL,
            camera TEXT NOT NULL,
            camera_name TEXT NOT NULL,
            source TEXT,
            people TEXT NOT NULL,
            text TEXT,
            faces TEXT NOT NULL,
            connection TEXT,
            has_snapshot INTEGER NOT NULL,
            crops INTEGER NOT NULL,
            person TEXT
        );
        CREATE INDEX IF NOT EXISTS events_time ON events (time_ms);
        CREATE INDEX IF NOT EXISTS events_camera ON events (camera, id);
        CREATE TABLE IF NOT EXISTS snapshots (
            event_id INTEGER NOT NULL REFERENCES events (id) ON DELETE CASCADE,
            part INTEGER NOT NULL,
            jpeg BLOB NOT NULL,
            PRIMARY KEY (event_id, part)
        );
        """));

    public string Path => _database.Path;

    /// <summary>Stores the event and its pictures in one transaction; returns it as listed.</summary>
    public CameraEventJson Add(NewCameraEvent e)
    {
        using var connection = _database.Connect();
        using var transaction = connection.BeginTransaction();
        long id;
        using (var insert = LocalDatabase.Command(connection, """
            INSERT INTO events (time_ms, kind, camera, camera_name, source, people, text, faces, connection, has_snapshot, crops)
            VALUES ($time, $kind, $camera, $name, $source, $people, $text, $faces, $connection, $snapshot, $crops)
            RETURNING id
            """,
            ("$time", e.Time.ToUnixTimeMilliseconds()), ("$kind", KindName(e.Kind)), ("$camera", e.Camera),
            ("$name", e.CameraName), ("$source", e.Source), ("$people", Json(e.People)), ("$text", e.Text),
            ("$faces", Json(e.Faces)), ("$connection", e.Connection is null ? null : Json(e.Connection)),
            ("$snapshot", e.Snapshot is null ? 0 : 1), ("$crops", e.Crops?.Count ?? 0)))
        {
            insert.Transaction = transaction;
            id = (long)insert.ExecuteScalar()!;
        }
        void Picture(int part, byte[] bytes)
        {
            using var blob = LocalDatabase.Command(connection, "INSERT INTO snapshots (event_id, part, jpeg) VALUES ($id, $part, $jpeg)",
                ("$id", id), ("$part", part), ("$jpeg", bytes));
            blob.Transaction = transaction;
            blob.ExecuteNonQuery();
        }
        if (e.Snapshot is not null) Picture(0, e.Snapshot);
        for (var i = 0; i < (e.Crops?.Count ?? 0); i++) Picture(i + 1, e.Crops![i]);
        transaction.Commit();
        return ToJson(id, e.Time.ToUnixTimeMilliseconds(), KindName(e.Kind), e.Camera, e.CameraName, e.Source,
            Json(e.People), e.Text, Json(e.Faces), e.Connection is null ? null : Json(e.Connection),
            e.Snapshot is not null, e.Crops?.Count ?? 0, null);
    }

    public CameraEventsJson List(EventQuery query)
    {
        var limit = Math.Clamp(query.Limit, 1, MaxLimit);
        var where = new List<string>();
        var parameters = new List<(string, object?)>();
        if (query.Camera is { } camera) { where.Add("camera = $camera"); parameters.Add(("$camera", camera)); }
        if (query.Kind is { } kind) { where.Add("kind = $kind"); parameters.Add(("$kind", KindName(kind))); }
        if (query.Person is { } person)
        {
            where.Add("(person = $person OR EXISTS (SELECT 1 FROM json_each(events.people) WHERE value = $person))");
            parameters.Add(("$person", person));
        }
        if (query.Since is { } since) { where.Add("time_ms >= $since"); parameters.Add(("$since", since.ToUnixTimeMilliseconds())); }
        if (query.Until is { } until) { where.Add("time_ms < $until"); parameters.Add(("$until", until.ToUnixTimeMilliseconds())); }
        if (query.Before is { } before) { where.Add("id < $before"); parameters.Add(("$before", before)); }
        if (query.Named is { } named) where.Add(named ? "person IS NOT NULL" : "person IS NULL");
        parameters.Add(("$limit", limit + 1));
        var sql = "SELECT id, time_ms, kind, camera, camera_name, source, people, text, faces, connection, has_snapshot, crops, person " +
                  "FROM events" + (where.Count > 0 ? " WHERE " + string.Join(" AND ", where) : "") + " ORDER BY id DESC LIMIT $limit";
        using var connection = _database.Connect();
        using var command = LocalDatabase.Command(connection, sql, parameters.ToArray());
        using var reader = command.ExecuteReader();
        var events = new List<CameraEventJson>();
        while (reader.Read()) events.Add(Read(reader));
        var next = events.Count > limit ? events[limit - 1].Id : (long?)null;
        return new CameraEventsJson(events.Take(limit).ToList(), next);
    }

    public CameraEventJson? Find(long id)
    {
        using var connection = _database.Connect();
        using var command = LocalDatabase.Command(connection,
            "SELECT id, time_ms, kind, camera, camera_name, source, people, text, faces, connection, has_snapshot, crops, person FROM events WHERE id = $id",
            ("$id", id));
        using var reader = command.ExecuteReader();
        return reader.Read() ? Read(reader) : null;
    }

    /// <summary>Part 0 is the annotated frame; part N the crop of the N-th face (from 1).</summary>
    public byte[]? Picture(long id, int part)
    {
        using var connection = _database.Connect();
        using var command = LocalDatabase.Command(connection, "SELECT jpeg FROM snapshots WHERE event_id = $id AND part = $part",
            ("$id", id), ("$part", part));
        return command.ExecuteScalar() as byte[];
    }

    /// <summary>Records whom an unknown face was named as.</summary>
    public void SetPerson(long id, string person) =>
        _database.Execute("UPDATE events SET person = $person WHERE id = $id", ("$id", id), ("$person", person));

    /// <summary>Deletes the events older than <paramref name="cutoff"/> with their pictures; returns how many went.</summary>
    public int DeleteOlderThan(DateTimeOffset cutoff) =>
        _database.Execute("DELETE FROM events WHERE time_ms < $cutoff", ("$cutoff", cutoff.ToUnixTimeMilliseconds()));

    /// <summary>How many pictures are stored (what retention must leave none of for deleted events).</summary>
    public long PictureCount()
    {
        using var connection = _database.Connect();
        using var command = LocalDatabase.Command(connection, "SELECT COUNT(*) FROM snapshots");
        return (long)command.ExecuteScalar()!;
    }

    private static string KindName(WatchEventKind kind) => JsonNamingPolicy.SnakeCaseLower.ConvertName(kind.ToString());

    private static string Json<T>(T value) => JsonSerializer.Serialize(value, VisageJson.Compact);

    private static CameraEventJson Read(SqliteDataReader r) => ToJson(r.GetInt64(0), r.GetInt64(1), r.GetString(2),
        r.GetString(3), r.GetString(4), r.IsDBNull(5) ? null : r.GetString(5), r.GetString(6), r.IsDBNull(7) ? null : r.GetString(7),
        r.GetString(8), r.IsDBNull(9) ? null : r.GetString(9), r.GetInt64(10) != 0, r.GetInt32(11), r.IsDBNull(12) ? null : r.GetString(12));

    private static CameraEventJson ToJson(long id, long timeMs, string kind, string camera, string cameraName, string? source,
        string people, string? text, string faces, string? connection, bool snapshot, int crops, string? person) => new(
        id,
        JsonSerializer.Deserialize<WatchEventKind>($"\"{kind}\"", VisageJson.Compact),
        DateTimeOffset.FromUnixTimeMilliseconds(timeMs),
        camera, cameraName, source,
        JsonSerializer.Deserialize<List<string>>(people, VisageJson.Compact)!,
        text,
        JsonSerializer.Deserialize<List<IdentifiedFaceJson>>(faces, VisageJson.Compact)!,
        snapshot ? $"/api/events/{id}/snapshot.jpg" : null,
        Enumerable.Range(1, crops).Select(i => $"/api/events/{id}/crops/{i}.jpg").ToList(),
        connection is null ? null : JsonSerializer.Deserialize<ConnectionJson>(connection, VisageJson.Compact),
        person);
}
