using Microsoft.Data.Sqlite;
using Visage.Server.Cameras;
using Visage.Tests.TestData;

namespace Visage.Tests.Server.Cameras;

/// <summary>A cameras.db written before cameras had the liveness setting opens with every camera off, and keeps the setting after.</summary>
public sealed class CameraStoreMigrationTests : IDisposable
{
    private readonly TempFolder _temp = new();

    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        _temp.Dispose();
    }

    [Fact]
    public void A_cameras_file_without_the_liveness_column_gets_it_off_for_every_camera_and_keeps_what_is_saved_after()
    {
        var folder = _temp.File("data");
        Directory.CreateDirectory(folder);
        using (var old = new SqliteConnection($"Data Source={Path.Combine(folder, "cameras.db")}"))
        {
            old.Open();
            using var command = old.CreateCommand();
            // The table as the service made it before the setting existed.
            command.CommandText = """
                CREATE TABLE cameras (
                    id TEXT PRIMARY KEY, name TEXT NOT NULL UNIQUE, source TEXT NOT NULL, enabled INTEGER NOT NULL,
                    confirm_frames INTEGER NOT NULL, window_frames INTEGER NOT NULL, cooldown_ms INTEGER NOT NULL,
                    min_face_size INTEGER NOT NULL, greet_aloud INTEGER NOT NULL, rtsp_transport TEXT NOT NULL,
                    created_at TEXT NOT NULL);
                INSERT INTO cameras VALUES ('0a1b2c3d', 'Gate', 'rtsp://192.0.2.7/stream1', 1, 3, 5, 600000, 40, 1, 'udp',
                    '2026-11-30T08:00:00.0000000+00:00');
                """;
            command.ExecuteNonQuery();
        }
        SqliteConnection.ClearAllPools();

        var store = CameraStore.Open(folder);
        var gate = Assert.Single(store.List());

        Assert.Equal(("Gate", 40, true, Visage.Video.RtspTransport.Udp, false),
            (gate.Name, gate.MinFaceSize, gate.GreetAloud, gate.RtspTransport, gate.Liveness));
        Assert.True(store.Save(gate with { Liveness = true }));
        Assert.True(CameraStore.Open(folder).Find(gate.Id)!.Liveness); // opened again: the column is there, not added twice
        Assert.True(store.Save(gate with { Liveness = false, Name = "Gate 2" }));
        Assert.Equal(("Gate 2", false), (store.Find(gate.Id)!.Name, store.Find(gate.Id)!.Liveness));
    }
}
