using System.Globalization;
using System.Runtime.InteropServices;
using Npgsql;
using NpgsqlTypes;

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

    private PostgresGallery(NpgsqlDataSource source, string location, GalleryBinding binding, string storeId)
    {
        _source = source;
        Location = location;
        Binding = binding;
        StoreId = storeId;
    }

    public string Location { get; }
    public GalleryBinding Binding { get; }
    private int Dimensions => Binding.Dimensions;

    /// <summary>A random id the store got when it was bound: tells one store from another with the same counts.</summary>
    public string StoreId { get; }

    public static async Task<PostgresGallery> OpenAsync(string url, GalleryBinding binding,
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
                    throw new GalleryException(location, GalleryProblem.NotFound,
                        $"{location}: the store holds no gallery yet (enroll faces into it first)");
                await using var bind = new NpgsqlCommand("""
                    INSERT INTO visage_meta (key, value) VALUES ('model_id', $1), ('dimensions', $2), ('store_id', $3),
                        ('fingerprint_id', $4), ('pipeline', $5)
                    ON CONFLICT (key) DO NOTHING
                    """, connection);
                bind.Parameters.AddWithValue(binding.ModelId);
                bind.Parameters.AddWithValue(binding.Dimensions.ToString(CultureInfo.InvariantCulture));
                bind.Parameters.AddWithValue(Guid.NewGuid().ToString("N"));
                bind.Parameters.AddWithValue(binding.FingerprintId ?? "");
                bind.Parameters.AddWithValue(binding.Pipeline ?? "");
                await bind.ExecuteNonQueryAsync(ct);
                meta = await ReadMetaAsync(connection, null, ct);
            }
            var bound = new GalleryBinding(meta["model_id"], int.Parse(meta["dimensions"], CultureInfo.InvariantCulture),
                meta.GetValueOrDefault("fingerprint_id") is { Length: > 0 } f ? f : null,
                meta.GetValueOrDefault("pipeline") is { Length: > 0 } p ? p : null);
            var sameModel = bound.ModelId == binding.ModelId && bound.Dimensions == binding.Dimensions;
            var sameFingerprint = bound.FingerprintId is null || binding.FingerprintId is null
                                  || bound.FingerprintId == binding.FingerprintId;
            if (!sameModel || !sameFingerprint)
            {
                var built = bound.Pipeline is { } was ? was.Split('\n')[0] : $"model '{bound.ModelId}' ({bound.Dimensions}-d)";
                var running = binding.Pipeline is { } now ? now.Split('\n')[0] : $"model '{binding.ModelId}' ({binding.Dimensions}-d)";
                throw new GalleryException(location, GalleryProblem.WrongPipeline,
                    $"{location}: gallery was built with {built}, not {running}") { BoundModel = bound.ModelId };
            }
            return new PostgresGallery(source, location, bound, meta["store_id"]);
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
            COPY (SELECT f.id, i.name, f.embedding, f.source_path, f.image_sha256, f.added_at
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
                await export.ReadAsync<DateTime>(NpgsqlDbType.TimestampTz, ct)));
        }
        return faces;
    }

    /// <summary>
    /// Every face as a search index holds it (id, identity, encoding), streamed in binary COPY, with the change
    /// stamp they were read at (see <see cref="GetStampAsync"/>): one snapshot, so the two agree.
    /// </summary>
    public async Task<(IReadOnlyList<StoredEncoding> Faces, string Stamp)> ReadIndexFacesAsync(CancellationToken ct = default)
    {
        await using var connection = await OpenConnectionAsync(ct);
        await using var transaction = await connection.BeginTransactionAsync(System.Data.IsolationLevel.RepeatableRead, ct);
        var stamp = await ReadStampAsync(connection, transaction, ct);
        var faces = new List<StoredEncoding>();
        await using (var export = await connection.BeginBinaryExportAsync("""
            COPY (SELECT f.id, i.name, f.embedding FROM faces f JOIN identities i ON i.id = f.identity_id)
            TO STDOUT (FORMAT BINARY)
            """, ct))
        {
            // Read synchronously on a pool thread: a million rows of three columns made the asynchronous reads'
            // per-column overhead a good part of a replica's start. A person's name is one string for all her faces.
            await Task.Run(() =>
            {
                var names = new Dictionary<string, string>(StringComparer.Ordinal);
                while (export.StartRow() != -1)
                {
                    ct.ThrowIfCancellationRequested();
                    var id = export.Read<long>(NpgsqlDbType.Bigint);
                    var name = export.Read<string>(NpgsqlDbType.Text);
                    if (names.TryGetValue(name, out var known)) name = known;
                    else names[name] = name;
                    faces.Add(new StoredEncoding(id, name, FromBytes(export.Read<byte[]>(NpgsqlDbType.Bytea))));
                }
            }, ct);
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
        await using var command = new NpgsqlCommand(PostgresSchema.LastChangeSql, connection, transaction);
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
                throw new ArgumentException($"{face.SourcePath}: empty person name");
        }

        var added = new List<(NewFace, long)>();
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
                INSERT INTO faces (identity_id, model_id, embedding, source_path, image_sha256, added_at, crop)
                VALUES ((SELECT id FROM identities WHERE name = $1), $2, $3, $4, $5, $6, $7)
                ON CONFLICT (image_sha256) DO NOTHING
                RETURNING id
                """, connection, transaction);
            insert.Parameters.AddWithValue(face.Identity);
            insert.Parameters.AddWithValue(Binding.ModelId);
            insert.Parameters.AddWithValue(ToBytes(face.Embedding));
            insert.Parameters.AddWithValue(face.SourcePath);
            insert.Parameters.AddWithValue(face.ImageSha256);
            insert.Parameters.AddWithValue(now);
            insert.Parameters.Add(new NpgsqlParameter { NpgsqlDbType = NpgsqlDbType.Bytea, Value = (object?)face.Crop ?? DBNull.Value });
            if (await insert.ExecuteScalarAsync(ct) is long id)
            {
                added.Add((face, id));
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

    public async Task<bool> CreatePersonAsync(string name, CancellationToken ct = default)
    {
        await using var connection = await OpenConnectionAsync(ct);
        await using var command = new NpgsqlCommand(
            "INSERT INTO identities (name) VALUES ($1) ON CONFLICT (name) DO NOTHING", connection);
        command.Parameters.AddWithValue(name);
        return await command.ExecuteNonQueryAsync(ct) > 0;
    }

    public async Task<IReadOnlyList<Person>> ListPeopleAsync(CancellationToken ct = default)
    {
        await using var connection = await OpenConnectionAsync(ct);
        return await QueryPeopleAsync(connection, null, null, ct);
    }

    private static async Task<List<Person>> QueryPeopleAsync(NpgsqlConnection connection, NpgsqlTransaction? transaction,
        string? name, CancellationToken ct)
    {
        await using var command = new NpgsqlCommand($"""
            SELECT i.name, count(f.id)::int, i.created_at, max(f.added_at), min(f.id)
            FROM identities i LEFT JOIN faces f ON f.identity_id = i.id
            {(name is null ? "" : "WHERE i.name = $1")}
            GROUP BY i.id ORDER BY i.name COLLATE "C"
            """, connection, transaction);
        if (name is not null) command.Parameters.AddWithValue(name);
        var people = new List<Person>();
        await using var reader = await command.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
            people.Add(new Person(reader.GetString(0), reader.GetInt32(1), reader.GetFieldValue<DateTimeOffset>(2),
                reader.IsDBNull(3) ? null : reader.GetFieldValue<DateTimeOffset>(3),
                reader.IsDBNull(4) ? null : reader.GetInt64(4)));
        return people;
    }

    private async Task<Person> RequirePersonAsync(NpgsqlConnection connection, NpgsqlTransaction transaction,
        string name, CancellationToken ct) =>
        (await QueryPeopleAsync(connection, transaction, name, ct)).FirstOrDefault()
        ?? throw new PersonException(name, exists: false, $"{Location}: nobody called {name} is enrolled");

    private async Task<T> WriteAsync<T>(Func<NpgsqlConnection, NpgsqlTransaction, Task<T>> work, CancellationToken ct)
    {
        await using var connection = await OpenConnectionAsync(ct);
        await using var transaction = await connection.BeginTransactionAsync(ct);
        var result = await work(connection, transaction);
        await transaction.CommitAsync(ct);
        return result;
    }

    private static async Task<int> ExecuteAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, string sql,
        CancellationToken ct, params object[] values)
    {
        await using var command = new NpgsqlCommand(sql, connection, transaction);
        foreach (var value in values) command.Parameters.AddWithValue(value);
        return await command.ExecuteNonQueryAsync(ct);
    }

    public Task<Person> RenamePersonAsync(string name, string newName, CancellationToken ct = default) =>
        WriteAsync(async (connection, transaction) =>
        {
            await RequirePersonAsync(connection, transaction, name, ct);
            if (name == newName) return await RequirePersonAsync(connection, transaction, name, ct);
            if ((await QueryPeopleAsync(connection, transaction, newName, ct)).Count > 0)
                throw new PersonException(newName, exists: true,
                    $"{Location}: {newName} is enrolled already; merge {name} into {newName} instead");
            await ExecuteAsync(connection, transaction, "UPDATE identities SET name = $1 WHERE name = $2", ct, newName, name);
            return await RequirePersonAsync(connection, transaction, newName, ct);
        }, ct);

    /// <summary>
    /// Erases a person in one transaction: their faces (encodings, crops) and their row go, and the change log
    /// drops every change before it (names and face ids included) and logs one 'erase' that lists the ids of the
    /// faces removed (rows that no longer exist) and the change before it: a replica that had applied that change
    /// removes the faces, one that had not reconciles with the faces stored (schema version 3). PostgreSQL
    /// reclaims the space of deleted rows itself (autovacuum).
    /// </summary>
    public Task<int> DeletePersonAsync(string name, CancellationToken ct = default) =>
        WriteAsync(async (connection, transaction) =>
        {
            var person = await RequirePersonAsync(connection, transaction, name, ct);
            await ExecuteAsync(connection, transaction, "DELETE FROM identities WHERE name = $1", ct, name);
            return person.Faces;
        }, ct);

    /// <summary>
    /// Moves the faces, re-inserted under the new person (the deletion logs an 'erase', the inserts their adds,
    /// so replicas follow, and the old name leaves the log).
    /// </summary>
    public Task<Person> MergePeopleAsync(string from, string into, CancellationToken ct = default) =>
        WriteAsync(async (connection, transaction) =>
        {
            await RequirePersonAsync(connection, transaction, from, ct);
            await RequirePersonAsync(connection, transaction, into, ct);
            if (from == into)
                throw new PersonException(from, exists: true, $"{Location}: cannot merge {from} into themselves");
            // Re-inserted under the new person so that the log says erase (the old faces) then add (new name):
            // in separate statements, so that the erase is logged before the adds (one statement would log the
            // adds first and the erase would drop them, making every replica reconcile).
            await ExecuteAsync(connection, transaction, """
                CREATE TEMPORARY TABLE visage_moved ON COMMIT DROP AS
                SELECT model_id, embedding, source_path, image_sha256, crop, added_at FROM faces WITH NO DATA
                """, ct);
            await ExecuteAsync(connection, transaction, """
                WITH moved AS (
                    DELETE FROM faces WHERE identity_id = (SELECT id FROM identities WHERE name = $1)
                    RETURNING model_id, embedding, source_path, image_sha256, crop, added_at)
                INSERT INTO visage_moved SELECT * FROM moved
                """, ct, from);
            await ExecuteAsync(connection, transaction, """
                INSERT INTO faces (identity_id, model_id, embedding, source_path, image_sha256, crop, added_at)
                SELECT (SELECT id FROM identities WHERE name = $1), model_id, embedding, source_path, image_sha256, crop, added_at
                FROM visage_moved
                """, ct, into);
            await ExecuteAsync(connection, transaction, "DELETE FROM identities WHERE name = $1", ct, from);
            return await RequirePersonAsync(connection, transaction, into, ct);
        }, ct);

    public Task<bool> DeleteFaceAsync(long faceId, CancellationToken ct = default) =>
        WriteAsync(async (connection, transaction) =>
        {
            await using var command = new NpgsqlCommand(
                "DELETE FROM faces WHERE id = $1 RETURNING identity_id", connection, transaction);
            command.Parameters.AddWithValue(faceId);
            if (await command.ExecuteScalarAsync(ct) is not long person) return false;
            await ExecuteAsync(connection, transaction,
                "DELETE FROM identities i WHERE i.id = $1 AND NOT EXISTS (SELECT 1 FROM faces f WHERE f.identity_id = i.id)",
                ct, person);
            return true;
        }, ct);

    public async Task<byte[]?> GetFaceCropAsync(long faceId, CancellationToken ct = default)
    {
        await using var connection = await OpenConnectionAsync(ct);
        await using var command = new NpgsqlCommand("SELECT crop FROM faces WHERE id = $1", connection);
        command.Parameters.AddWithValue(faceId);
        return await command.ExecuteScalarAsync(ct) as byte[];
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

    public async Task SetThresholdAsync(GalleryThreshold? threshold, CancellationToken ct = default)
    {
        if (threshold is not null && !(threshold.Value > 0 && float.IsFinite(threshold.Value)))
            throw new InvalidSettingException(VisageSetting.Threshold,
                $"a threshold must be a positive distance, not {threshold.Value}");
        await using var connection = await OpenConnectionAsync(ct);
        if (threshold is null)
        {
            await using var remove = new NpgsqlCommand("DELETE FROM visage_meta WHERE key IN ('threshold', 'threshold_note')", connection);
            await remove.ExecuteNonQueryAsync(ct);
            return;
        }
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
