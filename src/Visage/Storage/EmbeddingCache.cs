using System.Runtime.InteropServices;
using Microsoft.Data.Sqlite;

namespace Visage.Storage;

/// <summary>
/// Encodings of whole photos' subjects, by image SHA-256 and pipeline fingerprint (model, weights, detector and
/// its threshold, alignment), so a repeated evaluation or calibration need not run the networks again, and a
/// run with another detector never picks up encodings made with this one. A cache: losing it costs time,
/// never answers. Owner-only (0600), like every file that holds encodings.
/// </summary>
internal sealed class EmbeddingCache : IDisposable
{
    private readonly SqliteConnection _connection;

    private EmbeddingCache(SqliteConnection connection) => _connection = connection;

    public static EmbeddingCache Open(string path)
    {
        PrivateFiles.CreateFolder(Path.GetDirectoryName(Path.GetFullPath(path))!);
        PrivateFiles.TryCreateEmpty(path);
        var connection = new SqliteConnection(new SqliteConnectionStringBuilder
        {
            DataSource = path,
            Mode = SqliteOpenMode.ReadWriteCreate,
            Pooling = false,
        }.ToString());
        try
        {
            connection.Open();
            using var command = connection.CreateCommand();
            command.CommandText = """
                PRAGMA journal_mode = WAL;
                PRAGMA busy_timeout = 10000;
                CREATE TABLE IF NOT EXISTS subjects (
                    fingerprint TEXT NOT NULL,
                    image_sha256 TEXT NOT NULL,
                    how TEXT NOT NULL,
                    embedding BLOB NOT NULL,
                    PRIMARY KEY (fingerprint, image_sha256));
                DROP TABLE IF EXISTS encodings;
                """;
            command.ExecuteNonQuery();
            return new EmbeddingCache(connection);
        }
        catch (SqliteException e)
        {
            connection.Dispose();
            throw new VisageException($"{path}: cannot open the encoding cache ({e.Message.Split('\n')[0]}); delete it to start afresh", e);
        }
    }

    /// <summary>The cached encoding and how its face was found, or null.</summary>
    public (float[] Embedding, string How)? Get(string fingerprint, string imageSha256)
    {
        using var command = _connection.CreateCommand();
        command.CommandText = "SELECT embedding, how FROM subjects WHERE fingerprint = $fingerprint AND image_sha256 = $sha";
        command.Parameters.AddWithValue("$fingerprint", fingerprint);
        command.Parameters.AddWithValue("$sha", imageSha256);
        using var reader = command.ExecuteReader();
        if (!reader.Read()) return null;
        return (MemoryMarshal.Cast<byte, float>((byte[])reader.GetValue(0)).ToArray(), reader.GetString(1));
    }

    public void Put(string fingerprint, string imageSha256, float[] embedding, string how)
    {
        using var command = _connection.CreateCommand();
        command.CommandText = """
            INSERT OR REPLACE INTO subjects (fingerprint, image_sha256, how, embedding) VALUES ($fingerprint, $sha, $how, $embedding)
            """;
        command.Parameters.AddWithValue("$fingerprint", fingerprint);
        command.Parameters.AddWithValue("$sha", imageSha256);
        command.Parameters.AddWithValue("$how", how);
        command.Parameters.AddWithValue("$embedding", MemoryMarshal.AsBytes(embedding.AsSpan()).ToArray());
        command.ExecuteNonQuery();
    }

    public void Dispose() => _connection.Dispose();
}
