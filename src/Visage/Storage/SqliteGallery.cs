using System.Globalization;
using System.Runtime.InteropServices;
using Microsoft.Data.Sqlite;

namespace Visage.Storage;

/// <summary>
/// A gallery in one SQLite file, created owner-only (0600). Encodings are little-endian float32 blobs; each
/// face keeps a small JPEG crop. Deleted rows are overwritten (secure_delete) and the file is vacuumed after a
/// person is erased, so their data is gone from the file, not only from the index.
/// </summary>
internal sealed class SqliteGallery : IGallery
{
    private const int SchemaVersion = 2;
    private readonly SqliteConnection _connection;
    private readonly SqliteErrors _errors;

    private SqliteGallery(SqliteConnection connection, string location, GalleryBinding binding, bool writable,
        TimeSpan lockTimeout)
    {
        _connection = connection;
        Location = location;
        Binding = binding;
        IsWritable = writable;
        _errors = new SqliteErrors(location, lockTimeout);
    }

    public string Location { get; }
    public GalleryBinding Binding { get; }
    public bool IsWritable { get; }

    /// <summary>How long to wait for another process's write lock before reporting the gallery as locked.</summary>
    public static TimeSpan DefaultLockTimeout { get; } = TimeSpan.FromSeconds(10);

    /// <summary>
    /// Opens the gallery at <paramref name="path"/> for encodings of <paramref name="binding"/>'s pipeline. A new
    /// gallery is bound to it; an existing one must already be (a gallery made before fingerprints is bound
    /// by model only and takes the fingerprint on its first write). Safe when several processes create the
    /// same new gallery at once.
    /// </summary>
    public static async Task<SqliteGallery> OpenAsync(string path, GalleryBinding binding,
        GalleryOpenMode mode = GalleryOpenMode.CreateIfMissing, TimeSpan? lockTimeout = null,
        CancellationToken ct = default)
    {
        var errors = new SqliteErrors(path, lockTimeout ?? DefaultLockTimeout);
        var fullPath = Path.GetFullPath(path);
        if (Directory.Exists(fullPath))
            throw new GalleryException(path, GalleryProblem.NotAGallery, $"{path}: is a folder, not a gallery file");
        if (!File.Exists(fullPath))
        {
            if (mode != GalleryOpenMode.CreateIfMissing)
                throw new GalleryException(path, GalleryProblem.NotFound, $"{path}: no such gallery");
            var folder = Path.GetDirectoryName(fullPath);
            if (folder is not null && !Directory.Exists(folder))
                throw new GalleryException(path, GalleryProblem.NotFound, $"{path}: folder {folder} does not exist");
            try
            {
                PrivateFiles.TryCreateEmpty(fullPath);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                throw new GalleryException(path, GalleryProblem.ReadOnly, $"{path}: cannot create the gallery ({e.Message})", e);
            }
        }

        // Microsoft.Data.Sqlite retries a busy database for DefaultTimeout seconds, SQLite itself for busy_timeout:
        // both are the lock timeout, so a locked gallery is reported as locked when it runs out.
        var wait = lockTimeout ?? DefaultLockTimeout;
        var connection = new SqliteConnection(new SqliteConnectionStringBuilder
        {
            DataSource = fullPath,
            Mode = SqliteOpenMode.ReadWrite,
            Pooling = false,
            DefaultTimeout = Math.Max(1, (int)Math.Ceiling(wait.TotalSeconds)),
        }.ToString());
        try
        {
            await connection.OpenAsync(ct);
            await ExecuteAsync(connection,
                $"PRAGMA busy_timeout = {(int)wait.TotalMilliseconds}; PRAGMA foreign_keys = ON; PRAGMA secure_delete = ON;", ct);
            var writable = mode != GalleryOpenMode.MustExist;
            var bound = writable
                ? await InitialiseForWritingAsync(connection, path, binding, mode, errors, ct)
                : await ReadBindingAsync(connection, path, transaction: null, ct);
            CheckBinding(path, bound, binding);
            return new SqliteGallery(connection, path, bound with { FingerprintId = bound.FingerprintId ?? binding.FingerprintId },
                writable, wait);
        }
        catch (SqliteException e)
        {
            await connection.DisposeAsync();
            throw errors.Map(e, "open");
        }
        catch
        {
            await connection.DisposeAsync();
            throw;
        }
    }

    private static void CheckBinding(string path, GalleryBinding bound, GalleryBinding wanted)
    {
        var sameModel = bound.ModelId == wanted.ModelId && bound.Dimensions == wanted.Dimensions;
        var sameFingerprint = bound.FingerprintId is null || wanted.FingerprintId is null
                              || bound.FingerprintId == wanted.FingerprintId;
        if (sameModel && sameFingerprint) return;
        var built = bound.Pipeline is { } pipeline ? pipeline.Split('\n')[0] : $"model '{bound.ModelId}' ({bound.Dimensions}-d)";
        var running = wanted.Pipeline is { } now ? now.Split('\n')[0] : $"model '{wanted.ModelId}' ({wanted.Dimensions}-d)";
        throw new GalleryException(path, GalleryProblem.WrongPipeline,
            $"{path}: gallery was built with {built}, not {running}") { BoundModel = bound.ModelId };
    }

    /// <summary>
    /// Under the write lock: creates the schema in an empty file, migrates an older one, checks that the file
    /// can be written at all (so a read-only gallery is refused before any photo is encoded).
    /// </summary>
    private static async Task<GalleryBinding> InitialiseForWritingAsync(SqliteConnection connection, string path,
        GalleryBinding binding, GalleryOpenMode mode, SqliteErrors errors, CancellationToken ct)
    {
        GalleryBinding bound;
        await using (var transaction = connection.BeginTransaction())
        {
            if (await CountTablesAsync(connection, transaction, ct) == 0)
            {
                if (mode != GalleryOpenMode.CreateIfMissing)
                    throw new GalleryException(path, GalleryProblem.NotAGallery, $"{path}: not a Visage gallery (empty file)");
                await CreateSchemaAsync(connection, transaction, binding, ct);
                await transaction.CommitAsync(ct);
                return binding;
            }
            bound = await ReadBindingAsync(connection, path, transaction, ct);
            CheckBinding(path, bound, binding);
            var version = await ReadMetaAsync(connection, transaction, "schema_version", ct);
            if (version == "1")
            {
                await MigrateFromVersion1Async(connection, transaction, binding, ct);
                await transaction.CommitAsync(ct);
                return binding;
            }
            if (version != SchemaVersion.ToString(CultureInfo.InvariantCulture))
                throw new GalleryException(path, GalleryProblem.NotAGallery,
                    $"{path}: gallery schema version {version} is not one this Visage knows (it knows {SchemaVersion})");
        }

        // Proves the file and its folder (where SQLite writes its journal) can be written before any photo is
        // encoded: a real change, rolled back, so the file stays byte for byte as it was. (An unchanged row
        // would not need the journal, and so would prove nothing.)
        await using (var probe = connection.BeginTransaction())
        {
            await ExecuteAsync(connection,
                "INSERT OR REPLACE INTO meta (key, value) VALUES ('write_probe', hex(randomblob(8)))", ct, probe);
            await probe.RollbackAsync(ct);
        }
        return bound;
    }

    private static async Task<long> CountTablesAsync(SqliteConnection connection, SqliteTransaction transaction,
        CancellationToken ct)
    {
        await using var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = "SELECT count(*) FROM sqlite_master WHERE type = 'table'";
        return (long)(await command.ExecuteScalarAsync(ct))!;
    }

    private static async Task CreateSchemaAsync(SqliteConnection connection, SqliteTransaction transaction,
        GalleryBinding binding, CancellationToken ct)
    {
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
                added_at TEXT NOT NULL,
                crop BLOB);
            CREATE INDEX faces_identity ON faces(identity_id);
            """, ct, transaction);
        await WriteMetaAsync(connection, transaction, ct,
            ("schema_version", SchemaVersion.ToString(CultureInfo.InvariantCulture)),
            ("model_id", binding.ModelId),
            ("dimensions", binding.Dimensions.ToString(CultureInfo.InvariantCulture)),
            ("fingerprint", binding.FingerprintId ?? ""),
            ("pipeline", binding.Pipeline ?? ""));
    }

    private static async Task MigrateFromVersion1Async(SqliteConnection connection, SqliteTransaction transaction,
        GalleryBinding binding, CancellationToken ct)
    {
        await ExecuteAsync(connection, "ALTER TABLE faces ADD COLUMN crop BLOB", ct, transaction);
        await WriteMetaAsync(connection, transaction, ct,
            ("schema_version", SchemaVersion.ToString(CultureInfo.InvariantCulture)),
            ("fingerprint", binding.FingerprintId ?? ""),
            ("pipeline", binding.Pipeline ?? ""));
    }

    private static async Task<GalleryBinding> ReadBindingAsync(SqliteConnection connection, string path,
        SqliteTransaction? transaction, CancellationToken ct)
    {
        var meta = new Dictionary<string, string>();
        try
        {
            await using var command = connection.CreateCommand();
            command.Transaction = transaction;
            command.CommandText = "SELECT key, value FROM meta";
            await using var reader = await command.ExecuteReaderAsync(ct);
            while (await reader.ReadAsync(ct))
                if (!reader.IsDBNull(0) && !reader.IsDBNull(1)) meta[reader.GetString(0)] = reader.GetString(1);
        }
        catch (SqliteException e) when (e.SqliteErrorCode == 1)
        {
            throw new GalleryException(path, GalleryProblem.NotAGallery, $"{path}: not a Visage gallery (no meta table)");
        }
        if (!meta.TryGetValue("model_id", out var model) || !meta.TryGetValue("dimensions", out var dims)
            || !int.TryParse(dims, CultureInfo.InvariantCulture, out var dimensions))
            throw new GalleryException(path, GalleryProblem.Damaged,
                $"{path}: gallery has lost its model binding (its meta rows were removed)");
        var fingerprint = meta.GetValueOrDefault("fingerprint");
        var pipeline = meta.GetValueOrDefault("pipeline");
        return new GalleryBinding(model, dimensions, string.IsNullOrEmpty(fingerprint) ? null : fingerprint,
            string.IsNullOrEmpty(pipeline) ? null : pipeline);
    }

    public Task<IReadOnlyList<GalleryFace>> GetFacesAsync(CancellationToken ct = default) =>
        _errors.GuardAsync("read", async () =>
        {
            await using var command = _connection.CreateCommand();
            command.CommandText = """
                SELECT f.id, i.name, f.embedding, f.source_path, f.image_sha256, f.added_at
                FROM faces f JOIN identities i ON i.id = f.identity_id
                ORDER BY i.name, f.id
                """;
            var faces = new List<GalleryFace>();
            await using var reader = await command.ExecuteReaderAsync(ct);
            while (await reader.ReadAsync(ct))
            {
                var embedding = FromBlob((byte[])reader.GetValue(2));
                if (embedding.Length != Binding.Dimensions)
                    throw new GalleryException(Location, GalleryProblem.Damaged,
                        $"{Location}: face {reader.GetInt64(0)} has {embedding.Length} numbers, not {Binding.Dimensions}");
                faces.Add(new GalleryFace(reader.GetInt64(0), reader.GetString(1), embedding, reader.GetString(3),
                    reader.GetString(4), ParseTime(reader.GetString(5))));
            }
            return (IReadOnlyList<GalleryFace>)faces;
        });

    public Task<string?> FindImageAsync(string imageSha256, CancellationToken ct = default) =>
        _errors.GuardAsync("read", () => FindImageAsync(imageSha256, null, ct));

    private async Task<string?> FindImageAsync(string sha, SqliteTransaction? transaction, CancellationToken ct)
    {
        await using var command = _connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = """
            SELECT i.name FROM faces f JOIN identities i ON i.id = f.identity_id WHERE f.image_sha256 = $sha
            """;
        command.Parameters.AddWithValue("$sha", sha);
        return await command.ExecuteScalarAsync(ct) as string;
    }

    public Task<AddResult> AddAsync(IReadOnlyList<NewFace> faces, CancellationToken ct = default)
    {
        foreach (var face in faces)
        {
            if (face.Embedding.Length != Binding.Dimensions)
                throw new ArgumentException(
                    $"{face.SourcePath}: encoding has {face.Embedding.Length} numbers, gallery {Location} takes {Binding.Dimensions}");
            if (string.IsNullOrWhiteSpace(face.Identity))
                throw new ArgumentException($"{face.SourcePath}: empty person name");
        }
        return WriteAsync("add faces to", async transaction =>
        {
            var added = new List<(NewFace, long)>();
            var duplicates = new List<(NewFace, string)>();
            var now = Now();
            foreach (var face in faces)
            {
                if (await FindImageAsync(face.ImageSha256, transaction, ct) is { } existing)
                {
                    duplicates.Add((face, existing));
                    continue;
                }
                await EnsurePersonAsync(face.Identity, now, transaction, ct);
                await using var command = _connection.CreateCommand();
                command.Transaction = transaction;
                command.CommandText = """
                    INSERT INTO faces (identity_id, model_id, embedding, source_path, image_sha256, added_at, crop)
                    VALUES ((SELECT id FROM identities WHERE name = $name), $model, $embedding, $source, $sha, $now, $crop)
                    RETURNING id
                    """;
                command.Parameters.AddWithValue("$name", face.Identity);
                command.Parameters.AddWithValue("$model", Binding.ModelId);
                command.Parameters.AddWithValue("$embedding", ToBlob(face.Embedding));
                command.Parameters.AddWithValue("$source", face.SourcePath);
                command.Parameters.AddWithValue("$sha", face.ImageSha256);
                command.Parameters.AddWithValue("$now", now);
                command.Parameters.AddWithValue("$crop", (object?)face.Crop ?? DBNull.Value);
                added.Add((face, (long)(await command.ExecuteScalarAsync(ct))!));
            }
            return new AddResult(added, duplicates);
        }, ct);
    }

    /// <summary>Adds a person with no face yet; returns false when the name exists already.</summary>
    public Task<bool> CreatePersonAsync(string name, CancellationToken ct = default) =>
        WriteAsync("add a person to", async transaction =>
            await EnsurePersonAsync(name, Now(), transaction, ct), ct);

    private async Task<bool> EnsurePersonAsync(string name, string now, SqliteTransaction transaction,
        CancellationToken ct) =>
        await ExecuteAsync(_connection,
            "INSERT INTO identities (name, created_at) VALUES ($name, $now) ON CONFLICT(name) DO NOTHING",
            ct, transaction, ("$name", name), ("$now", now)) > 0;

    public Task<IReadOnlyList<Person>> ListPeopleAsync(CancellationToken ct = default) =>
        _errors.GuardAsync("read", () => QueryPeopleAsync(null, null, ct));

    private async Task<IReadOnlyList<Person>> QueryPeopleAsync(string? name, SqliteTransaction? transaction,
        CancellationToken ct)
    {
        await using var command = _connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = $"""
            SELECT i.name, count(f.id), i.created_at, max(f.added_at), min(f.id)
            FROM identities i LEFT JOIN faces f ON f.identity_id = i.id
            {(name is null ? "" : "WHERE i.name = $name")}
            GROUP BY i.id ORDER BY i.name
            """;
        if (name is not null) command.Parameters.AddWithValue("$name", name);
        var people = new List<Person>();
        await using var reader = await command.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
            people.Add(new Person(reader.GetString(0), reader.GetInt32(1), ParseTime(reader.GetString(2)),
                reader.IsDBNull(3) ? null : ParseTime(reader.GetString(3)),
                reader.IsDBNull(4) ? null : reader.GetInt64(4)));
        return people;
    }

    private async Task<Person> RequirePersonAsync(string name, SqliteTransaction transaction, CancellationToken ct) =>
        (await QueryPeopleAsync(name, transaction, ct)).FirstOrDefault()
        ?? throw new PersonException(name, exists: false, $"{Location}: nobody called {name} is enrolled");

    public Task<Person> RenamePersonAsync(string name, string newName, CancellationToken ct = default) =>
        WriteAsync("rename a person in", async transaction =>
        {
            await RequirePersonAsync(name, transaction, ct);
            if (name == newName) return await RequirePersonAsync(name, transaction, ct);
            if ((await QueryPeopleAsync(newName, transaction, ct)).Count > 0)
                throw new PersonException(newName, exists: true,
                    $"{Location}: {newName} is enrolled already; merge {name} into {newName} instead");
            await ExecuteAsync(_connection, "UPDATE identities SET name = $new WHERE name = $old", ct, transaction,
                ("$new", newName), ("$old", name));
            return await RequirePersonAsync(newName, transaction, ct);
        }, ct);

    public async Task<int> DeletePersonAsync(string name, CancellationToken ct = default)
    {
        var erased = await WriteAsync("erase a person from", async transaction =>
        {
            var person = await RequirePersonAsync(name, transaction, ct);
            await ExecuteAsync(_connection,
                "DELETE FROM faces WHERE identity_id = (SELECT id FROM identities WHERE name = $name)", ct, transaction,
                ("$name", name));
            await ExecuteAsync(_connection, "DELETE FROM identities WHERE name = $name", ct, transaction, ("$name", name));
            return person.Faces;
        }, ct);
        await VacuumAsync();
        return erased;
    }

    public Task<Person> MergePeopleAsync(string from, string into, CancellationToken ct = default) =>
        WriteAsync("merge people in", async transaction =>
        {
            await RequirePersonAsync(from, transaction, ct);
            await RequirePersonAsync(into, transaction, ct);
            if (from == into)
                throw new PersonException(from, exists: true, $"{Location}: cannot merge {from} into themselves");
            await ExecuteAsync(_connection, """
                UPDATE faces SET identity_id = (SELECT id FROM identities WHERE name = $into)
                WHERE identity_id = (SELECT id FROM identities WHERE name = $from)
                """, ct, transaction, ("$into", into), ("$from", from));
            await ExecuteAsync(_connection, "DELETE FROM identities WHERE name = $from", ct, transaction, ("$from", from));
            return await RequirePersonAsync(into, transaction, ct);
        }, ct);

    public async Task<bool> DeleteFaceAsync(long faceId, CancellationToken ct = default)
    {
        var deleted = await WriteAsync("erase a face from", async transaction =>
            await ExecuteAsync(_connection, "DELETE FROM faces WHERE id = $id", ct, transaction, ("$id", faceId)) > 0, ct);
        if (deleted) await VacuumAsync();
        return deleted;
    }

    /// <summary>Erases faces by id in one transaction (a known folder whose photos went away); returns how many.</summary>
    public Task<int> DeleteFacesAsync(IReadOnlyList<long> faceIds, CancellationToken ct = default) =>
        WriteAsync("erase faces from", async transaction =>
        {
            var count = 0;
            foreach (var id in faceIds)
                count += await ExecuteAsync(_connection, "DELETE FROM faces WHERE id = $id", ct, transaction, ("$id", id));
            await ExecuteAsync(_connection,
                "DELETE FROM identities WHERE id NOT IN (SELECT identity_id FROM faces)", ct, transaction);
            return count;
        }, ct);

    public Task<byte[]?> GetFaceCropAsync(long faceId, CancellationToken ct = default) =>
        _errors.GuardAsync("read", async () =>
        {
            await using var command = _connection.CreateCommand();
            command.CommandText = "SELECT crop FROM faces WHERE id = $id";
            command.Parameters.AddWithValue("$id", faceId);
            return await command.ExecuteScalarAsync(ct) as byte[];
        });

    public Task<GalleryThreshold?> GetThresholdAsync(CancellationToken ct = default) =>
        _errors.GuardAsync("read", async () =>
        {
            var text = await ReadMetaAsync(_connection, null, "threshold", ct);
            if (text is null || !float.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var threshold)
                || !(threshold > 0) || !float.IsFinite(threshold))
                return null;
            return new GalleryThreshold(threshold, await ReadMetaAsync(_connection, null, "threshold_note", ct) ?? "");
        });

    public Task SetThresholdAsync(GalleryThreshold? threshold, CancellationToken ct = default)
    {
        if (threshold is not null && !(threshold.Value > 0 && float.IsFinite(threshold.Value)))
            throw new InvalidSettingException(VisageSetting.Threshold,
                $"a threshold must be a positive distance, not {threshold.Value}");
        return WriteAsync("store the threshold in", async transaction =>
        {
            if (threshold is null)
                await ExecuteAsync(_connection, "DELETE FROM meta WHERE key IN ('threshold', 'threshold_note')", ct, transaction);
            else
                await WriteMetaAsync(_connection, transaction, ct,
                    ("threshold", threshold.Value.ToString("R", CultureInfo.InvariantCulture)),
                    ("threshold_note", threshold.Note));
            return true;
        }, ct);
    }

    /// <summary>A value of the gallery's own settings (meta table), or null.</summary>
    public Task<string?> GetSettingAsync(string key, CancellationToken ct = default) =>
        _errors.GuardAsync("read", () => ReadMetaAsync(_connection, null, key, ct));

    public Task SetSettingAsync(string key, string value, CancellationToken ct = default) =>
        WriteAsync("write a setting to", async transaction =>
        {
            await WriteMetaAsync(_connection, transaction, ct, (key, value));
            return true;
        }, ct);

    /// <summary>
    /// The change counter before and after the last write made through this object: a search index that knew
    /// the "before" value has seen every other write, so applying this one keeps it current.
    /// </summary>
    public (long Before, long After)? LastWrite { get; private set; }

    /// <summary>
    /// "GALLERY-ID:CHANGES": the gallery's random id and its change counter, which every write of this Visage
    /// raises in its own transaction. An index saved at a stamp is current while the stamp is unchanged.
    /// </summary>
    public Task<string> GetStampAsync(CancellationToken ct = default) =>
        _errors.GuardAsync("read", async () =>
        {
            await using var command = _connection.CreateCommand();
            command.CommandText = "SELECT key, value FROM meta WHERE key IN ('gallery_id', 'changes')";
            var values = new Dictionary<string, string>();
            await using var reader = await command.ExecuteReaderAsync(ct);
            while (await reader.ReadAsync(ct)) values[reader.GetString(0)] = reader.GetString(1);
            return $"{values.GetValueOrDefault("gallery_id", "unstamped")}:{values.GetValueOrDefault("changes", "0")}";
        });

    /// <summary>Every face's id, person and encoding (no photo data), with the stamp they were read at.</summary>
    public Task<(IReadOnlyList<StoredEncoding> Faces, string Stamp)> ReadIndexFacesAsync(CancellationToken ct = default) =>
        _errors.GuardAsync("read", async () =>
        {
            // One read transaction, so the faces and the stamp agree.
            await using var transaction = _connection.BeginTransaction(deferred: true);
            string stamp;
            await using (var command = _connection.CreateCommand())
            {
                command.Transaction = transaction;
                command.CommandText = "SELECT key, value FROM meta WHERE key IN ('gallery_id', 'changes')";
                var values = new Dictionary<string, string>();
                await using var reader = await command.ExecuteReaderAsync(ct);
                while (await reader.ReadAsync(ct)) values[reader.GetString(0)] = reader.GetString(1);
                stamp = $"{values.GetValueOrDefault("gallery_id", "unstamped")}:{values.GetValueOrDefault("changes", "0")}";
            }
            var faces = new List<StoredEncoding>();
            await using (var command = _connection.CreateCommand())
            {
                command.Transaction = transaction;
                command.CommandText = "SELECT f.id, i.name, f.embedding FROM faces f JOIN identities i ON i.id = f.identity_id";
                await using var reader = await command.ExecuteReaderAsync(ct);
                while (await reader.ReadAsync(ct))
                {
                    var embedding = FromBlob((byte[])reader.GetValue(2));
                    if (embedding.Length != Binding.Dimensions)
                        throw new GalleryException(Location, GalleryProblem.Damaged,
                            $"{Location}: face {reader.GetInt64(0)} has {embedding.Length} numbers, not {Binding.Dimensions}");
                    faces.Add(new StoredEncoding(reader.GetInt64(0), reader.GetString(1), embedding));
                }
            }
            await transaction.CommitAsync(ct);
            return ((IReadOnlyList<StoredEncoding>)faces, stamp);
        });

    private async Task<T> WriteAsync<T>(string what, Func<SqliteTransaction, Task<T>> work, CancellationToken ct)
    {
        if (!IsWritable)
            throw new GalleryException(Location, GalleryProblem.ReadOnly, $"{Location}: opened for reading only");
        return await _errors.GuardAsync(what, async () =>
        {
            await using var transaction = _connection.BeginTransaction();
            var before = await CountChangeAsync(transaction, ct);
            var result = await work(transaction);
            await transaction.CommitAsync(ct);
            LastWrite = (before, before + 1);
            return result;
        });
    }

    /// <summary>Raises the change counter inside a write's transaction; returns its value before.</summary>
    private async Task<long> CountChangeAsync(SqliteTransaction transaction, CancellationToken ct)
    {
        await ExecuteAsync(_connection,
            "INSERT INTO meta (key, value) VALUES ('gallery_id', lower(hex(randomblob(16)))) ON CONFLICT(key) DO NOTHING",
            ct, transaction);
        await using var command = _connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = """
            INSERT INTO meta (key, value) VALUES ('changes', '1')
            ON CONFLICT(key) DO UPDATE SET value = CAST(CAST(value AS INTEGER) + 1 AS TEXT)
            RETURNING CAST(value AS INTEGER)
            """;
        return (long)(await command.ExecuteScalarAsync(ct))! - 1;
    }

    /// <summary>Rebuilds the file so erased rows leave no trace in free pages; best effort (another reader may hold it).</summary>
    private async Task VacuumAsync()
    {
        try
        {
            await ExecuteAsync(_connection, "VACUUM", CancellationToken.None);
        }
        catch (SqliteException)
        {
            // secure_delete has already overwritten the erased rows; VACUUM only shrinks the file.
        }
    }

    private static async Task<string?> ReadMetaAsync(SqliteConnection connection, SqliteTransaction? transaction,
        string key, CancellationToken ct)
    {
        await using var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = "SELECT value FROM meta WHERE key = $key";
        command.Parameters.AddWithValue("$key", key);
        return await command.ExecuteScalarAsync(ct) as string;
    }

    private static async Task WriteMetaAsync(SqliteConnection connection, SqliteTransaction transaction,
        CancellationToken ct, params (string Key, string Value)[] values)
    {
        foreach (var (key, value) in values)
            await ExecuteAsync(connection,
                "INSERT INTO meta (key, value) VALUES ($key, $value) ON CONFLICT(key) DO UPDATE SET value = $value",
                ct, transaction, ("$key", key), ("$value", value));
    }

    private static async Task<int> ExecuteAsync(SqliteConnection connection, string sql, CancellationToken ct,
        SqliteTransaction? transaction = null, params (string Name, object Value)[] parameters)
    {
        await using var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = sql;
        foreach (var (name, value) in parameters) command.Parameters.AddWithValue(name, value);
        return await command.ExecuteNonQueryAsync(ct);
    }

    private static string Now() => DateTimeOffset.UtcNow.ToString("O", CultureInfo.InvariantCulture);

    private static DateTimeOffset ParseTime(string text) =>
        DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var time)
            ? time
            : DateTimeOffset.UnixEpoch;

    private static byte[] ToBlob(float[] embedding) => MemoryMarshal.AsBytes(embedding.AsSpan()).ToArray();

    private static float[] FromBlob(byte[] blob) => MemoryMarshal.Cast<byte, float>(blob).ToArray();

    /// <summary>A second, read-only connection that notices other programs' commits (see <see cref="SqliteChangeWatch"/>).</summary>
    internal SqliteChangeWatch OpenChangeWatch() => new(_connection.ConnectionString);

    public void Dispose() => _connection.Dispose();
}
