using System.Globalization;
using System.Security.Cryptography;
using Microsoft.Data.Sqlite;
using Visage.Video;

namespace Visage.Server.Cameras;

/// <summary>The service's cameras in <c>cameras.db</c> of its data folder (owner-only: it holds the cameras' passwords).</summary>
public sealed class CameraStore
{
    private readonly LocalDatabase _database;

    private CameraStore(LocalDatabase database) => _database = database;

    public static CameraStore Open(string dataFolder)
    {
        var database = LocalDatabase.Open(dataFolder, "cameras.db", """
        CREATE TABLE IF NOT EXISTS cameras (
            id TEXT PRIMARY KEY,
            name TEXT NOT NULL UNIQUE,
            source TEXT NOT NULL,
            enabled INTEGER NOT NULL,
            confirm_frames INTEGER NOT NULL,
            window_frames INTEGER NOT NULL,
            cooldown_ms INTEGER NOT NULL,
            min_face_size INTEGER NOT NULL,
            greet_aloud INTEGER NOT NULL,
            rtsp_transport TEXT NOT NULL,
            created_at TEXT NOT NULL,
            liveness INTEGER NOT NULL DEFAULT 0
        )
        """);
        AddLivenessColumn(database);
        return new CameraStore(database);
    }

    /// <summary>A cameras.db of a service before the liveness setting gets the column, every camera off.</summary>
    private static void AddLivenessColumn(LocalDatabase database)
    {
        using var connection = database.Connect();
        using var transaction = connection.BeginTransaction();
        using (var columns = LocalDatabase.Command(connection, "SELECT COUNT(*) FROM pragma_table_info('cameras') WHERE name = 'liveness'"))
        {
            columns.Transaction = transaction;
            if (Convert.ToInt64(columns.ExecuteScalar(), CultureInfo.InvariantCulture) > 0) return;
        }
        using (var alter = LocalDatabase.Command(connection, "ALTER TABLE cameras ADD COLUMN liveness INTEGER NOT NULL DEFAULT 0"))
        {
            alter.Transaction = transaction;
            alter.ExecuteNonQuery();
        }
        transaction.Commit();
    }

    public IReadOnlyList<Camera> List()
    {
        using var connection = _database.Connect();
        using var command = LocalDatabase.Command(connection, "SELECT * FROM cameras ORDER BY created_at, id");
        using var reader = command.ExecuteReader();
        var cameras = new List<Camera>();
        while (reader.Read()) cameras.Add(Read(reader));
        return cameras;
    }

    public Camera? Find(string id) => List().FirstOrDefault(c => c.Id == id);

    public static string NewId() => Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(4));

    /// <summary>Adds or replaces the camera with this id; false when another camera has its name.</summary>
    public bool Save(Camera camera)
    {
        try
        {
            _database.Execute("""
                INSERT INTO cameras (id, name, source, enabled, confirm_frames, window_frames, cooldown_ms, min_face_size,
                                     greet_aloud, rtsp_transport, created_at, liveness)
                VALUES ($id, $name, $source, $enabled, $confirm, $window, $cooldown, $min, $aloud, $transport, $created, $liveness)
                ON CONFLICT(id) DO UPDATE SET name = $name, source = $source, enabled = $enabled, confirm_frames = $confirm,
                    window_frames = $window, cooldown_ms = $cooldown, min_face_size = $min, greet_aloud = $aloud,
                    rtsp_transport = $transport, liveness = $liveness
                """,
                ("$id", camera.Id), ("$name", camera.Name), ("$source", camera.Source), ("$enabled", camera.Enabled ? 1 : 0),
                ("$confirm", camera.ConfirmFrames), ("$window", camera.WindowFrames),
                ("$cooldown", (long)camera.Cooldown.TotalMilliseconds), ("$min", camera.MinFaceSize),
                ("$aloud", camera.GreetAloud ? 1 : 0), ("$transport", camera.RtspTransport.ToString().ToLowerInvariant()),
                ("$created", camera.CreatedAt.ToString("O", CultureInfo.InvariantCulture)),
                ("$liveness", camera.Liveness ? 1 : 0));
            return true;
        }
        catch (SqliteException e) when (e.SqliteErrorCode == 19) // a constraint: the name is taken
        {
            return false;
        }
    }

    public bool Delete(string id) => _database.Execute("DELETE FROM cameras WHERE id = $id", ("$id", id)) == 1;

    private static Camera Read(SqliteDataReader r) => new(
        r.GetString(r.GetOrdinal("id")),
        r.GetString(r.GetOrdinal("name")),
        r.GetString(r.GetOrdinal("source")),
        r.GetInt64(r.GetOrdinal("enabled")) != 0,
        r.GetInt32(r.GetOrdinal("confirm_frames")),
        r.GetInt32(r.GetOrdinal("window_frames")),
        TimeSpan.FromMilliseconds(r.GetInt64(r.GetOrdinal("cooldown_ms"))),
        r.GetInt32(r.GetOrdinal("min_face_size")),
        r.GetInt64(r.GetOrdinal("greet_aloud")) != 0,
        Enum.Parse<RtspTransport>(r.GetString(r.GetOrdinal("rtsp_transport")), ignoreCase: true),
        DateTimeOffset.Parse(r.GetString(r.GetOrdinal("created_at")), CultureInfo.InvariantCulture),
        r.GetInt64(r.GetOrdinal("liveness")) != 0);
}
