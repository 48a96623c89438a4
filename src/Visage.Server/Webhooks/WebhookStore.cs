using System.Globalization;
using System.Security.Cryptography;
using System.Text.Json;
using Microsoft.Data.Sqlite;
using Visage.Json;
using Visage.Video;

namespace Visage.Server.Webhooks;

/// <summary>Webhooks and their delivery log in <c>webhooks.db</c> of the data folder (owner-only: it holds the secrets).</summary>
public sealed class WebhookStore
{
    /// <summary>Each webhook's log keeps its latest attempts, this many.</summary>
    public const int LogLength = 1000;

    private readonly LocalDatabase _database;

    private WebhookStore(LocalDatabase database) => _database = database;

    public static WebhookStore Open(string dataFolder) => new(LocalDatabase.Open(dataFolder, "webhooks.db", """
        CREATE TABLE IF NOT EXISTS webhooks (
            id TEXT PRIMARY KEY,
            url TEXT NOT NULL,
            secret TEXT NOT NULL,
            events TEXT NOT NULL,
            enabled INTEGER NOT NULL,
            created_at TEXT NOT NULL
        );
        CREATE TABLE IF NOT EXISTS deliveries (
            id INTEGER PRIMARY KEY AUTOINCREMENT,
            webhook TEXT NOT NULL REFERENCES webhooks (id) ON DELETE CASCADE,
            event_id INTEGER NOT NULL,
            kind TEXT NOT NULL,
            attempt INTEGER NOT NULL,
            time_ms INTEGER NOT NULL,
            status INTEGER,
            error TEXT,
            milliseconds REAL NOT NULL,
            delivered INTEGER NOT NULL
        );
        CREATE INDEX IF NOT EXISTS deliveries_webhook ON deliveries (webhook, id);
        """));

    public static string NewSecret() => Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(32));

    public Webhook Add(string url, IReadOnlyList<WatchEventKind> events, string? secret = null)
    {
        var hook = new Webhook(Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(4)), url, secret ?? NewSecret(), events,
            true, DateTimeOffset.UtcNow);
        Save(hook);
        return hook;
    }

    public void Save(Webhook hook) => _database.Execute("""
        INSERT INTO webhooks (id, url, secret, events, enabled, created_at) VALUES ($id, $url, $secret, $events, $enabled, $created)
        ON CONFLICT(id) DO UPDATE SET url = $url, secret = $secret, events = $events, enabled = $enabled
        """,
        ("$id", hook.Id), ("$url", hook.Url), ("$secret", hook.Secret),
        ("$events", JsonSerializer.Serialize(hook.Events, VisageJson.Compact)), ("$enabled", hook.Enabled ? 1 : 0),
        ("$created", hook.CreatedAt.ToString("O", CultureInfo.InvariantCulture)));

    public IReadOnlyList<Webhook> List()
    {
        using var connection = _database.Connect();
        using var command = LocalDatabase.Command(connection, "SELECT id, url, secret, events, enabled, created_at FROM webhooks ORDER BY created_at, id");
        using var reader = command.ExecuteReader();
        var hooks = new List<Webhook>();
        while (reader.Read())
            hooks.Add(new Webhook(reader.GetString(0), reader.GetString(1), reader.GetString(2),
                JsonSerializer.Deserialize<List<WatchEventKind>>(reader.GetString(3), VisageJson.Compact)!, reader.GetInt64(4) != 0,
                DateTimeOffset.Parse(reader.GetString(5), CultureInfo.InvariantCulture)));
        return hooks;
    }

    public bool Delete(string id) => _database.Execute("DELETE FROM webhooks WHERE id = $id", ("$id", id)) == 1;

    public void Log(WebhookDelivery d)
    {
        using var connection = _database.Connect();
        using var transaction = connection.BeginTransaction();
        using (var insert = LocalDatabase.Command(connection, """
            INSERT INTO deliveries (webhook, event_id, kind, attempt, time_ms, status, error, milliseconds, delivered)
            SELECT $webhook, $event, $kind, $attempt, $time, $status, $error, $ms, $delivered
            WHERE EXISTS (SELECT 1 FROM webhooks WHERE id = $webhook)
            """,
            ("$webhook", d.Webhook), ("$event", d.Event), ("$kind", JsonNamingPolicy.SnakeCaseLower.ConvertName(d.Kind.ToString())),
            ("$attempt", d.Attempt), ("$time", d.Time.ToUnixTimeMilliseconds()), ("$status", d.Status), ("$error", d.Error),
            ("$ms", d.Milliseconds), ("$delivered", d.Delivered ? 1 : 0)))
        {
            insert.Transaction = transaction;
            insert.ExecuteNonQuery();
        }
        using (var trim = LocalDatabase.Command(connection, """
            DELETE FROM deliveries WHERE webhook = $webhook AND id <=
                (SELECT id FROM deliveries WHERE webhook = $webhook ORDER BY id DESC LIMIT 1 OFFSET $keep)
            """, ("$webhook", d.Webhook), ("$keep", LogLength)))
        {
            trim.Transaction = transaction;
            trim.ExecuteNonQuery();
        }
        transaction.Commit();
    }

    /// <summary>The webhook's latest attempts, newest first.</summary>
    public IReadOnlyList<WebhookDelivery> Deliveries(string webhook, int limit = 100)
    {
        using var connection = _database.Connect();
        using var command = LocalDatabase.Command(connection, """
            SELECT id, webhook, event_id, kind, attempt, time_ms, status, error, milliseconds, delivered
            FROM deliveries WHERE webhook = $webhook ORDER BY id DESC LIMIT $limit
            """, ("$webhook", webhook), ("$limit", Math.Clamp(limit, 1, LogLength)));
        using var reader = command.ExecuteReader();
        var log = new List<WebhookDelivery>();
        while (reader.Read()) log.Add(Read(reader));
        return log;
    }

    private static WebhookDelivery Read(SqliteDataReader r) => new(r.GetInt64(0), r.GetString(1), r.GetInt64(2),
        JsonSerializer.Deserialize<WatchEventKind>($"\"{r.GetString(3)}\"", VisageJson.Compact), r.GetInt32(4),
        DateTimeOffset.FromUnixTimeMilliseconds(r.GetInt64(5)), r.IsDBNull(6) ? null : r.GetInt32(6),
        r.IsDBNull(7) ? null : r.GetString(7), r.GetDouble(8), r.GetInt64(9) != 0);
}
