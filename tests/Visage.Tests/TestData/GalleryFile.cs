using Microsoft.Data.Sqlite;

namespace Visage.Tests.TestData;

/// <summary>A gallery file looked at from outside, through its own connection: row counts, integrity, raw SQL.</summary>
internal static class GalleryFile
{
    public static (long Faces, long People) Counts(string path)
    {
        using var connection = Open(path, SqliteOpenMode.ReadOnly);
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT (SELECT COUNT(*) FROM faces), (SELECT COUNT(*) FROM identities)";
        using var reader = command.ExecuteReader();
        reader.Read();
        return (reader.GetInt64(0), reader.GetInt64(1));
    }

    /// <summary>SQLite's own check of every page and index: "ok" for a sound file.</summary>
    public static string IntegrityCheck(string path)
    {
        using var connection = Open(path, SqliteOpenMode.ReadOnly);
        using var command = connection.CreateCommand();
        command.CommandText = "PRAGMA integrity_check";
        return (string)command.ExecuteScalar()!;
    }

    public static void Execute(string path, string sql)
    {
        using var connection = Open(path, SqliteOpenMode.ReadWriteCreate);
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        command.ExecuteNonQuery();
    }

    /// <summary>Asserts the file is sound and holds exactly these counts.</summary>
    public static void AssertIntact(string path, long faces, long people)
    {
        Assert.Equal("ok", IntegrityCheck(path));
        Assert.Equal((faces, people), Counts(path));
    }

    private static SqliteConnection Open(string path, SqliteOpenMode mode)
    {
        var connection = new SqliteConnection(new SqliteConnectionStringBuilder
        {
            DataSource = path, Mode = mode, Pooling = false,
        }.ToString());
        connection.Open();
        return connection;
    }
}
