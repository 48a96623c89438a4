using System.Globalization;
using System.Runtime.InteropServices;
using Microsoft.Data.Sqlite;

namespace Visage.Storage;

/// <summary>A gallery in one SQLite file. Encodings are stored as little-endian float32 blobs.</summary>
public sealed class SqliteGallery : IGallery
{
    private const int SchemaVersion = 1;
    private readonly SqliteConnection _connection;

    private SqliteGallery(SqliteConnection connection, string location, string modelId, int dimensions)
    {
        _connection = connection;
        Location = location;
        ModelId = modelId;
        Dimensions = dimensions;
    }

    public string Location { get; }
    public string ModelId { get; }
    public int Dimensions { get; }

    /// <summary>
    /// Opens the gallery at <paramref name="path"/> for encodings of <paramref name="modelId"/>; a new
    /// gallery is bound to that model, an existing one must already be.
    /// </summary>
    public static async Task<SqliteGallery> OpenAsync(string path, string modelId, int dimensions,
        GalleryOpenMode mode = GalleryOpenMode.CreateIfMissing, CancellationToken ct = default)
    {
        var fullPath = Path.GetFullPath(path);
        if (Directory.Exists(fullPath))
            throw new VisageException($"{path}: is a folder, not a gallery file");
        var exists = File.Exists(fullPath);
        if (!exists && mode == GalleryOpenMode.MustExist)
            throw new VisageException($"{path}: no such gallery (enroll faces into it first with 'visage enroll --db {path}')");
        if (!exists)
        {
            var folder = Path.GetDirectoryName(fullPath);
            if (folder is not null && !Directory.Exists(folder))
                throw new VisageException($"{path}: folder {folder} does not exist");
        }

        var connection = new SqliteConnection(new SqliteConnectionStringBuilder
        {
            DataSource = fullPath,
            Mode = SqliteOpenMode.ReadWriteCreate,
            Pooling = false,
        }.ToString());
        try
        {
            await connection.OpenAsync(ct);
            await ExecuteAsync(connection, "PRAGMA foreign_keys = ON; PRAGMA busy_timeout = 5000;", ct);
            var (boundModel, boundDimensions) = exists
                ? await ReadBindingAsync(connection, path, ct)
                : await CreateSchemaAsync(connection, modelId, dimensions, ct);
            if (boundModel != modelId || boundDimensions != dimensions)
                throw new VisageException(
                    $"{path}: gallery holds encodings of model '{boundModel}' ({boundDimensions}-d), " +
                    $"not '{modelId}' ({dimensions}-d); use the model it was built with or another --db");
            return new SqliteGallery(connection, path, modelId, dimensions);
        }
        catch (SqliteException e)
        {
            await connection.DisposeAsync();
            throw new VisageException($"{path}: not a readable Visage gallery ({e.Message})", e);
        }
        catch
        {
            await connection.DisposeAsync();
            throw;
        }
    }

    private static async Task<(string, int)> CreateSchemaAsync(SqliteConnection connection, string modelId,
        int dimensions, CancellationToken ct)
    {
        await using var transaction = (SqliteTransaction)await connection.BeginTransactionAsync(ct);
        await ExecuteAsync(connection, """
            CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
            CREATE TABLE identities (
                id INTEGER PRIMARY KEY,
                name TEXT NOT NULL UNIQUE,
                created_at TEXT NOT NULL);
            CREATE TABLE faces (
                id INTEGER PRIMARY KEY,
                identity_id INTEGER NOT NULL REFERENCES identities(id) ON DELETE CASCADE,
                model_id TEXT NOT NULL,
                embedding BLOB NOT NULL,
                source_path TEXT NOT NULL,
                image_sha256 TEXT NOT NULL UNIQUE,
                added_at TEXT NOT NULL);
            CREATE INDEX faces_identity ON faces(identity_id);
            """, ct, transaction);
        foreach (var (key, value) in new[]
                 {
                     ("schema_version", SchemaVersion.ToString(CultureInfo.InvariantCulture)),
                     ("model_id", modelId),
                     ("dimensions", dimensions.ToString(CultureInfo.InvariantCulture)),
                 })
        {
            await ExecuteAsync(connection, "INSERT INTO meta (key, value) VALUES ($key, $value)", ct, transaction,
                ("$key", key), ("$value", value));
        }
        await transaction.CommitAsync(ct);
        return (modelId, dimensions);
    }

    private static async Task<(string, int)> ReadBindingAsync(SqliteConnection connection, string path,
        CancellationToken ct)
    {
        var meta = new Dictionary<string, string>();
        try
        {
            await using var command = connection.CreateCommand();
            command.CommandText = "SELECT key, value FROM meta";
            await using var reader = await command.ExecuteReaderAsync(ct);
            while (await reader.ReadAsync(ct)) meta[reader.GetString(0)] = reader.GetString(1);
        }
        catch (SqliteException)
        {
            throw new VisageException($"{path}: not a Visage gallery");
        }
        if (!meta.TryGetValue("model_id", out var model) || !meta.TryGetValue("dimensions", out var dims)
            || !int.TryParse(dims, CultureInfo.InvariantCulture, out var dimensions))
            throw new VisageException($"{path}: not a Visage gallery (no model binding)");
        return (model, dimensions);
    }

    public async Task<IReadOnlyList<GalleryFace>> GetFacesAsync(CancellationToken ct = default)
    {
        await using var command = _connection.CreateCommand();
        command.CommandText = """
            SELECT f.id, i.name, f.embedding, f.model_id, f.source_path, f.image_sha256, f.added_at
            FROM faces f JOIN identities i ON i.id = f.identity_id
            ORDER BY i.name, f.id
            """;
        var faces = new List<GalleryFace>();
        await using var reader = await command.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
        {
            faces.Add(new GalleryFace(
                reader.GetInt64(0),
                reader.GetString(1),
                FromBlob((byte[])reader.GetValue(2)),
                reader.GetString(3),
                reader.GetString(4),
                reader.GetString(5),
                DateTimeOffset.Parse(reader.GetString(6), CultureInfo.InvariantCulture)));
        }
        return faces;
    }

    public async Task<string?> FindImageAsync(string imageSha256, CancellationToken ct = default)
    {
        await using var command = _connection.CreateCommand();
        command.CommandText = """
            SELECT i.name FROM faces f JOIN identities i ON i.id = f.identity_id WHERE f.image_sha256 = $sha
            """;
        command.Parameters.AddWithValue("$sha", imageSha256);
        return await command.ExecuteScalarAsync(ct) as string;
    }

    public async Task<AddResult> AddAsync(IReadOnlyList<NewFace> faces, CancellationToken ct = default)
    {
        foreach (var face in faces)
        {
            if (face.Embedding.Length != Dimensions)
                throw new ArgumentException(
                    $"{face.SourcePath}: encoding has {face.Embedding.Length} numbers, gallery {Location} takes {Dimensions}");
            if (string.IsNullOrWhiteSpace(face.Identity))
                throw new ArgumentException($"{face.SourcePath}: empty identity name");
        }

        var added = new List<NewFace>();
        var duplicates = new List<(NewFace, string)>();
        await using var transaction = (SqliteTransaction)await _connection.BeginTransactionAsync(ct);
        var now = DateTimeOffset.UtcNow.ToString("O", CultureInfo.InvariantCulture);
        foreach (var face in faces)
        {
            var existing = await FindImageInTransactionAsync(face.ImageSha256, transaction, ct);
            if (existing is not null)
            {
                duplicates.Add((face, existing));
                continue;
            }
            await ExecuteAsync(_connection,
                "INSERT INTO identities (name, created_at) VALUES ($name, $now) ON CONFLICT(name) DO NOTHING",
                ct, transaction, ("$name", face.Identity), ("$now", now));
            await ExecuteAsync(_connection, """
                INSERT INTO faces (identity_id, model_id, embedding, source_path, image_sha256, added_at)
                VALUES ((SELECT id FROM identities WHERE name = $name), $model, $embedding, $source, $sha, $now)
                """, ct, transaction,
                ("$name", face.Identity), ("$model", ModelId), ("$embedding", ToBlob(face.Embedding)),
                ("$source", face.SourcePath), ("$sha", face.ImageSha256), ("$now", now));
            added.Add(face);
        }
        await transaction.CommitAsync(ct);
        return new AddResult(added, duplicates);
    }

    public async Task<GalleryThreshold?> GetThresholdAsync(CancellationToken ct = default)
    {
        await using var command = _connection.CreateCommand();
        command.CommandText = "SELECT key, value FROM meta WHERE key IN ('threshold', 'threshold_note')";
        var values = new Dictionary<string, string>();
        await using var reader = await command.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct)) values[reader.GetString(0)] = reader.GetString(1);
        if (!values.TryGetValue("threshold", out var text)
            || !float.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var threshold))
            return null;
        return new GalleryThreshold(threshold, values.GetValueOrDefault("threshold_note") ?? "");
    }

    public async Task SetThresholdAsync(GalleryThreshold threshold, CancellationToken ct = default)
    {
        if (!(threshold.Value > 0 && float.IsFinite(threshold.Value)))
            throw new ArgumentOutOfRangeException(nameof(threshold), $"a threshold must be a positive distance, not {threshold.Value}");
        await using var transaction = (SqliteTransaction)await _connection.BeginTransactionAsync(ct);
        foreach (var (key, value) in new[]
                 {
                     ("threshold", threshold.Value.ToString("R", CultureInfo.InvariantCulture)),
                     ("threshold_note", threshold.Note),
                 })
        {
            await ExecuteAsync(_connection,
                "INSERT INTO meta (key, value) VALUES ($key, $value) ON CONFLICT(key) DO UPDATE SET value = $value",
                ct, transaction, ("$key", key), ("$value", value));
        }
        await transaction.CommitAsync(ct);
    }

    private async Task<string?> FindImageInTransactionAsync(string sha, SqliteTransaction transaction,
        CancellationToken ct)
    {
        await using var command = _connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = """
            SELECT i.name FROM faces f JOIN identities i ON i.id = f.identity_id WHERE f.image_sha256 = $sha
            """;
        command.Parameters.AddWithValue("$sha", sha);
        return await command.ExecuteScalarAsync(ct) as string;
    }

    private static async Task ExecuteAsync(SqliteConnection connection, string sql, CancellationToken ct,
        SqliteTransaction? transaction = null, params (string Name, object Value)[] parameters)
    {
        await using var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = sql;
        foreach (var (name, value) in parameters) command.Parameters.AddWithValue(name, value);
        await command.ExecuteNonQueryAsync(ct);
    }

    private static byte[] ToBlob(float[] embedding) => MemoryMarshal.AsBytes(embedding.AsSpan()).ToArray();

    private static float[] FromBlob(byte[] blob) => MemoryMarshal.Cast<byte, float>(blob).ToArray();

    public void Dispose() => _connection.Dispose();
}
