using System.Runtime.InteropServices;
using Microsoft.Data.Sqlite;

namespace Visage.Storage;

/// <summary>
/// Encodings of whole photos' subjects, by image SHA-256 and model, so a repeated evaluation or calibration
/// need not run the networks again. A cache: losing it costs time, never answers.
/// </summary>
public sealed class EmbeddingCache : IDisposable
{
    private readonly SqliteConnection _connection;

    private EmbeddingCache(SqliteConnection connection) => _connection = connection;

    public static EmbeddingCache Open(string path)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
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
                CREATE TABLE IF NOT EXISTS encodings (
                    model_id TEXT NOT NULL,
                    image_sha256 TEXT NOT NULL,
                    how TEXT NOT NULL,
                    embedding BLOB NOT NULL,
                    PRIMARY KEY (model_id, image_sha256));
                """;
            command.ExecuteNonQuery();
            return new EmbeddingCache(connection);
        }
        catch (SqliteException e)
        {
            connection.Dispose();
            throw new VisageException($"{path}: cannot open the encoding cache ({e.Message}); delete it to start afresh", e);
        }
    }

    /// <summary>The cached encoding and how its face was found, or null.</summary>
    public (float[] Embedding, string How)? Get(string modelId, string imageSha256)
    {
        using var command = _connection.CreateCommand();
        command.CommandText = "SELECT embedding, how FROM encodings WHERE model_id = $model AND image_sha256 = $sha";
        command.Parameters.AddWithValue("$model", modelId);
        command.Parameters.AddWithValue("$sha", imageSha256);
        using var reader = command.ExecuteReader();
        if (!reader.Read()) return null;
        return (MemoryMarshal.Cast<byte, float>((byte[])reader.GetValue(0)).ToArray(), reader.GetString(1));
    }

    public void Put(string modelId, string imageSha256, float[] embedding, string how)
    {
        using var command = _connection.CreateCommand();
        command.CommandText = """
            INSERT OR REPLACE INTO encodings (model_id, image_sha256, how, embedding) VALUES ($model, $sha, $how, $embedding)
            """;
        command.Parameters.AddWithValue("$model", modelId);
        command.Parameters.AddWithValue("$sha", imageSha256);
        command.Parameters.AddWithValue("$how", how);
        command.Parameters.AddWithValue("$embedding", MemoryMarshal.AsBytes(embedding.AsSpan()).ToArray());
        command.ExecuteNonQuery();
    }

    public void Dispose() => _connection.Dispose();
}
