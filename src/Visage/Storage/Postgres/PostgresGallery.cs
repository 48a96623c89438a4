using System.Globalization;
using System.Runtime.InteropServices;
using Npgsql;
using NpgsqlTypes;
using Visage.Search;

namespace Visage.Storage.Postgres;

/// <summary>
/// A gallery in PostgreSQL, shared by every Visage that opens the same database: the same behaviour as
/// <see cref="SqliteGallery"/> (bound to one model, an image stored once by its SHA-256, each add all-or-nothing),
/// encodings as little-endian float32 bytea. Every change is logged (table <c>changes</c>, by trigger) and
/// announced on the <c>visage_changes</c> channel, for replicas' indexes.
/// </summary>
internal sealed class PostgresGallery : IGallery
{
    private readonly NpgsqlDataSource _source;

    private PostgresGallery(NpgsqlDataSource source, string location, string modelId, int dimensions, string storeId)
    {
        _source = source;
        Location = location;
        ModelId = modelId;
        Dimensions = dimensions;
        StoreId = storeId;
    }

    public string Location { get; }
    public string ModelId { get; }
    public int Dimensions { get; }

    /// <summary>A random id the store got when it was bound: tells one store from another with the same counts.</summary>
    public string StoreId { get; }

    public static async Task<PostgresGallery> OpenAsync(string url, string modelId, int dimensions,
        GalleryOpenMode mode = GalleryOpenMode.CreateIfMissing, CancellationToken ct = default)
    {
        var location = PostgresLocation.Redact(url);
        var source = NpgsqlDataSource.Create(PostgresLocation.Parse(url).ConnectionString);
        try
        {
            await using var connection = await OpenConnectionAsync(source, location, ct);
            await PostgresSchema.MigrateAsync(connection, location, ct);
            var meta = await ReadMetaAsync(connection, null, ct);
            if (!meta.ContainsKey("model_id"))
            {
                if (mode == GalleryOpenMode.MustExist)
                    throw new VisageException($"{location}: the store holds no gallery yet (enroll faces into it first)");
                await using var bind = new NpgsqlCommand("""
                    INSERT INTO visage_meta (key, value) VALUES ('model_id', $1), ('dimensions', $2), ('store_id', $3)
                    ON CONFLICT (key) DO NOTHING
                    """, connection);
                bind.Parameters.AddWithValue(modelId);
                bind.Parameters.AddWithValue(dimensions.ToString(CultureInfo.InvariantCulture));
                bind.Parameters.AddWithValue(Guid.NewGuid().ToString("N"));
                await bind.ExecuteNonQueryAsync(ct);
                meta = await ReadMetaAsync(connection, null, ct);
            }
            var boundModel = meta["model_id"];
            var boundDimensions = int.Parse(meta["dimensions"], CultureInfo.InvariantCulture);
            if (boundModel != modelId || boundDimensions != dimensions)
                throw new VisageException(
                    $"{location}: gallery holds encodings of model '{boundModel}' ({boundDimensions}-d), " +
                    $"not '{modelId}' ({dimensions}-d); use the model it was built with or another store");
            return new PostgresGallery(source, location, modelId, dimensions, meta["store_id"]);
        }
        catch (PostgresException e)
        {
            await source.DisposeAsync();
            throw new VisageException($"{location}: not a usable Visage store ({e.MessageText})", e);
        }
        catch
        {
            await source.DisposeAsync();
            throw;
        }
    }

    private static async Task<NpgsqlConnection> OpenConnectionAsync(NpgsqlDataSource source, string location,
        CancellationToken ct)
    {
        try
        {
            return await source.OpenConnectionAsync(ct);
        }
        catch (Exception e) when (e is NpgsqlException or TimeoutException && e is not PostgresException)
        {
            throw new VisageException($"{location}: cannot connect to the store ({e.Message})", e);
        }
        catch (PostgresException e)
        {
            throw new VisageException($"{location}: cannot connect to the store ({e.MessageText})", e);
        }
    }

    private Task<NpgsqlConnection> OpenConnectionAsync(CancellationToken ct) => OpenConnectionAsync(_source, Location, ct);

    private static async Task<Dictionary<string, string>> ReadMetaAsync(NpgsqlConnection connection,
        NpgsqlTransaction? transaction, CancellationToken ct)
    {
        var meta = new Dictionary<string, string>(StringComparer.Ordinal);
        await using var command = new NpgsqlCommand("SELECT key, value FROM visage_meta", connection, transaction);
        await using var reader = await command.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct)) meta[reader.GetString(0)] = reader.GetString(1);
        return meta;
    }

    public async Task<IReadOnlyList<GalleryFace>> GetFacesAsync(CancellationToken ct = default)
    {
        await using var connection = await OpenConnectionAsync(ct);
        var faces = new List<GalleryFace>();
        await using var export = await connection.BeginBinaryExportAsync("""
            COPY (SELECT f.id, i.name, f.embedding, f.model_id, f.source_path, f.image_sha256, f.added_at
                  FROM faces f JOIN identities i ON i.id = f.identity_id
                  ORDER BY i.name COLLATE "C", f.id) TO STDOUT (FORMAT BINARY)
            """, ct);
        while (await export.StartRowAsync(ct) != -1)
        {
            faces.Add(new GalleryFace(
                await export.ReadAsync<long>(NpgsqlDbType.Bigint, ct),
                await export.ReadAsync<string>(NpgsqlDbType.Text, ct),
                FromBytes(await export.ReadAsync<byte[]>(NpgsqlDbType.Bytea, ct)),
                await export.ReadAsync<string>(NpgsqlDbType.Text, ct),
                await export.ReadAsync<string>(NpgsqlDbType.Text, ct),
                await export.ReadAsync<string>(NpgsqlDbType.Text, ct),
                await export.ReadAsync<DateTime>(NpgsqlDbType.TimestampTz, ct)));
        }
        return faces;
    }

    /// <summary>
    /// Every face as a search index holds it (id, identity, encoding), streamed in binary COPY, with the change
    /// stamp they were read at (see <see cref="GetStampAsync"/>): one snapshot, so the two agree.
    /// </summary>
    public async Task<(IReadOnlyList<IndexedFace> Faces, string Stamp)> ReadIndexFacesAsync(CancellationToken ct = default)
    {
        await using var connection = await OpenConnectionAsync(ct);
        await using var transaction = await connection.BeginTransactionAsync(System.Data.IsolationLevel.RepeatableRead, ct);
        var stamp = await ReadStampAsync(connection, transaction, ct);
        var faces = new List<IndexedFace>();
        await using (var export = await connection.BeginBinaryExportAsync("""
            COPY (SELECT f.id, i.name, f.embedding FROM faces f JOIN identities i ON i.id = f.identity_id)
            TO STDOUT (FORMAT BINARY)
            """, ct))
        {
            while (await export.StartRowAsync(ct) != -1)
                faces.Add(new IndexedFace(
                    await export.ReadAsync<long>(NpgsqlDbType.Bigint, ct),
                    await export.ReadAsync<string>(NpgsqlDbType.Text, ct),
                    FromBytes(await export.ReadAsync<byte[]>(NpgsqlDbType.Bytea, ct))));
        }
        await transaction.CommitAsync(ct);
        return (faces, stamp);
    }

    /// <summary>"STORE-ID:LAST-CHANGE": changes with every face added or removed and every rename.</summary>
    public async Task<string> GetStampAsync(CancellationToken ct = default)
    {
        await using var connection = await OpenConnectionAsync(ct);
        return await ReadStampAsync(connection, null, ct);
    }

    private async Task<string> ReadStampAsync(NpgsqlConnection connection, NpgsqlTransaction? transaction, CancellationToken ct)
    {
        await using var command = new NpgsqlCommand("SELECT coalesce(max(id), 0) FROM changes", connection, transaction);
        var last = (long)(await command.ExecuteScalarAsync(ct))!;
        return $"{StoreId}:{last.ToString(CultureInfo.InvariantCulture)}";
    }

    public async Task<string?> FindImageAsync(string imageSha256, CancellationToken ct = default)
    {
        await using var connection = await OpenConnectionAsync(ct);
        return await FindImageAsync(connection, null, imageSha256, ct);
    }

    private static async Task<string?> FindImageAsync(NpgsqlConnection connection, NpgsqlTransaction? transaction,
        string imageSha256, CancellationToken ct)
    {
        await using var command = new NpgsqlCommand(
            "SELECT i.name FROM faces f JOIN identities i ON i.id = f.identity_id WHERE f.image_sha256 = $1",
            connection, transaction);
        command.Parameters.AddWithValue(imageSha256);
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
        await using var connection = await OpenConnectionAsync(ct);
        await using var transaction = await connection.BeginTransactionAsync(ct);
        var now = DateTimeOffset.UtcNow;
        foreach (var face in faces)
        {
            await using (var identity = new NpgsqlCommand(
                "INSERT INTO identities (name) VALUES ($1) ON CONFLICT (name) DO NOTHING", connection, transaction))
            {
                identity.Parameters.AddWithValue(face.Identity);
                await identity.ExecuteNonQueryAsync(ct);
            }
            // ON CONFLICT: an image enrolled already, by this batch, an earlier one or another replica just now.
            await using var insert = new NpgsqlCommand("""
                INSERT INTO faces (identity_id, model_id, embedding, source_path, image_sha256, added_at)
                VALUES ((SELECT id FROM identities WHERE name = $1), $2, $3, $4, $5, $6)
                ON CONFLICT (image_sha256) DO NOTHING
                RETURNING id
                """, connection, transaction);
            insert.Parameters.AddWithValue(face.Identity);
            insert.Parameters.AddWithValue(ModelId);
            insert.Parameters.AddWithValue(ToBytes(face.Embedding));
            insert.Parameters.AddWithValue(face.SourcePath);
            insert.Parameters.AddWithValue(face.ImageSha256);
            insert.Parameters.AddWithValue(now);
            if (await insert.ExecuteScalarAsync(ct) is not null)
            {
                added.Add(face);
                continue;
            }
            duplicates.Add((face, await FindImageAsync(connection, transaction, face.ImageSha256, ct) ?? face.Identity));
        }
        // An identity created for faces that all turned out to be duplicates would be a person without photos.
        await using (var prune = new NpgsqlCommand(
            "DELETE FROM identities i WHERE NOT EXISTS (SELECT 1 FROM faces f WHERE f.identity_id = i.id) AND i.name = ANY($1)",
            connection, transaction))
        {
            prune.Parameters.AddWithValue(duplicates.Select(d => d.Item1.Identity).Distinct().ToArray());
            await prune.ExecuteNonQueryAsync(ct);
        }
        await transaction.CommitAsync(ct);
        return new AddResult(added, duplicates);
    }

    public async Task<GalleryThreshold?> GetThresholdAsync(CancellationToken ct = default)
    {
        await using var connection = await OpenConnectionAsync(ct);
        var meta = await ReadMetaAsync(connection, null, ct);
        if (!meta.TryGetValue("threshold", out var text)
            || !float.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var threshold))
            return null;
        return new GalleryThreshold(threshold, meta.GetValueOrDefault("threshold_note") ?? "");
    }

    public async Task SetThresholdAsync(GalleryThreshold threshold, CancellationToken ct = default)
    {
        if (!(threshold.Value > 0 && float.IsFinite(threshold.Value)))
            throw new ArgumentOutOfRangeException(nameof(threshold), $"a threshold must be a positive distance, not {threshold.Value}");
        await using var connection = await OpenConnectionAsync(ct);
        await using var command = new NpgsqlCommand("""
            INSERT INTO visage_meta (key, value) VALUES ('threshold', $1), ('threshold_note', $2)
            ON CONFLICT (key) DO UPDATE SET value = excluded.value
            """, connection);
        command.Parameters.AddWithValue(threshold.Value.ToString("R", CultureInfo.InvariantCulture));
        command.Parameters.AddWithValue(threshold.Note);
        await command.ExecuteNonQueryAsync(ct);
    }

    private static byte[] ToBytes(float[] embedding) => MemoryMarshal.AsBytes(embedding.AsSpan()).ToArray();

    private static float[] FromBytes(byte[] bytes) => MemoryMarshal.Cast<byte, float>(bytes).ToArray();

    public void Dispose() => _source.Dispose();
}
