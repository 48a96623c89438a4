using System.Runtime.InteropServices;
using Microsoft.Data.Sqlite;
using Visage.Detection;

namespace Visage.Storage;

/// <summary>
/// Encodings of whole photos' subjects, and of every face of a photo, by image SHA-256 and pipeline fingerprint
/// (model, weights, detector and its threshold, alignment), so a repeated evaluation, calibration or clustering
/// need not run the networks again, and a
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
                CREATE TABLE IF NOT EXISTS all_faces (
                    fingerprint TEXT NOT NULL,
                    image_sha256 TEXT NOT NULL,
                    faces BLOB NOT NULL,
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

    /// <summary>
    /// Every face found in an image, as cached; null when the image is not cached, empty when it was analysed and
    /// had no face.
    /// </summary>
    public IReadOnlyList<CachedFace>? GetFaces(string fingerprint, string imageSha256)
    {
        using var command = _connection.CreateCommand();
        command.CommandText = "SELECT faces FROM all_faces WHERE fingerprint = $fingerprint AND image_sha256 = $sha";
        command.Parameters.AddWithValue("$fingerprint", fingerprint);
        command.Parameters.AddWithValue("$sha", imageSha256);
        if (command.ExecuteScalar() is not byte[] blob) return null;
        // The face count, then per face: x, y, width, height, score and the encoding (one length for all faces).
        var numbers = MemoryMarshal.Cast<byte, float>(blob);
        var count = (int)numbers[0];
        if (count == 0) return [];
        var perFace = (numbers.Length - 1) / count;
        var faces = new List<CachedFace>(count);
        for (var i = 0; i < count; i++)
        {
            var face = numbers.Slice(1 + i * perFace, perFace);
            faces.Add(new CachedFace(new FaceBox(face[0], face[1], face[2], face[3]), face[4], face[5..].ToArray()));
        }
        return faces;
    }

    public void PutFaces(string fingerprint, string imageSha256, IReadOnlyList<CachedFace> faces)
    {
        var numbers = new List<float> { faces.Count };
        foreach (var face in faces)
        {
            numbers.AddRange([face.Box.X, face.Box.Y, face.Box.Width, face.Box.Height, face.Score]);
            numbers.AddRange(face.Embedding);
        }
        using var command = _connection.CreateCommand();
        command.CommandText =
            "INSERT OR REPLACE INTO all_faces (fingerprint, image_sha256, faces) VALUES ($fingerprint, $sha, $faces)";
        command.Parameters.AddWithValue("$fingerprint", fingerprint);
        command.Parameters.AddWithValue("$sha", imageSha256);
        command.Parameters.AddWithValue("$faces", MemoryMarshal.AsBytes(numbers.ToArray().AsSpan()).ToArray());
        command.ExecuteNonQuery();
    }

    public void Dispose() => _connection.Dispose();
}
