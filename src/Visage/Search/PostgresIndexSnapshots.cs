using System.Data;
using System.Diagnostics;
using System.Globalization;
using System.Runtime.InteropServices;
using System.Security.Cryptography;
using Npgsql;
using NpgsqlTypes;
using Visage.Storage;
using Visage.Storage.Postgres;

namespace Visage.Search;

/// <summary>What uploading a snapshot did: the snapshot's id and stamp when one was stored, else why not.</summary>
internal sealed record SnapshotUpload(long? Id, long Stamp, long Bytes, TimeSpan Time, string? WhyNot);

/// <summary>
/// A replica's start from the store's graph snapshot: how long the download (with checksum) and the binary COPY
/// of the encodings took (side by side, each from the start), then making the index (graph loaded, faces
/// stored since added), and how many faces were added.
/// </summary>
internal sealed record SnapshotStart(long Id, long SnapshotStamp, long Bytes, TimeSpan Download, TimeSpan Encodings,
    TimeSpan Load, int Removed, int Added)
{
    public string Describe() =>
        $"from the store's snapshot {Id} (at change {SnapshotStamp}, {Bytes / 1e6:0.0} MB): downloaded and checked in " +
        $"{Download.TotalSeconds:0.0} s while the encodings were read in {Encodings.TotalSeconds:0.0} s, then the graph loaded in {Load.TotalSeconds:0.0} s" +
        (Removed + Added > 0 ? $" ({Added} faces stored since added, {Removed} deleted since removed)" : "");
}

/// <summary>
/// HNSW graphs kept in the shared store (tables <c>index_snapshots</c> and <c>index_snapshot_parts</c>, schema
/// version 4), so that a replica with no saved graph of its own downloads one instead of building it (about 20
/// minutes at a million faces on 2 cores). A snapshot is the graph file USearch saves, cut into parts, and the
/// ids of the faces it holds, bound to the gallery's model, fingerprint and dimensions and to the graph's kind;
/// its stamp is the last change the graph holds, so a replica that starts from it replays the change log from
/// there. The faces' names and float32 encodings are not in it: they are read from <c>faces</c> (binary COPY).
/// </summary>
internal static class PostgresIndexSnapshots
{
    /// <summary>Held (session level, tried, never waited for) by the one replica uploading a snapshot.</summary>
    public const long UploadLock = 0x5649_5341_4748;

    /// <summary>Graph bytes per part: well under bytea's 1 GB, and what a download holds in memory at once.</summary>
    public const int DefaultPartBytes = 32 << 20;

    /// <summary>What a snapshot must have been built with to be used: the graph's kind, scalar and links.</summary>
    public static string OptionsOf(HnswScalar scalar, HnswOptions options) =>
        $"scalar={scalar.ToString().ToLowerInvariant()};connectivity={options.Connectivity.ToString(CultureInfo.InvariantCulture)}";

    private static NpgsqlDataSource Open(string url)
    {
        var settings = PostgresLocation.Parse(url);
        // A gigabyte moves in tens of seconds; the session-level upload lock must not outlive the connection.
        settings.CommandTimeout = 0;
        settings.Pooling = false;
        return NpgsqlDataSource.Create(settings.ConnectionString);
    }

    /// <summary>The stamp of the newest snapshot a replica bound as <paramref name="binding"/> would use; null when none.</summary>
    public static async Task<long?> NewestStampAsync(string url, GalleryBinding binding, HnswOptions options,
        CancellationToken ct)
    {
        await using var source = Open(url);
        await using var connection = await source.OpenConnectionAsync(ct);
        await using var command = new NpgsqlCommand("""
            SELECT stamp FROM index_snapshots
            WHERE model_id = $1 AND fingerprint_id = $2 AND dimensions = $3 AND kind = $4 AND options = $5
            ORDER BY id DESC LIMIT 1
            """, connection);
        AddBinding(command, binding, options.Scalar, options);
        return await command.ExecuteScalarAsync(ct) is long stamp ? stamp : null;
    }

    private static void AddBinding(NpgsqlCommand command, GalleryBinding binding, HnswScalar scalar, HnswOptions options)
    {
        command.Parameters.AddWithValue(binding.ModelId);
        command.Parameters.AddWithValue(binding.FingerprintId ?? "");
        command.Parameters.AddWithValue(binding.Dimensions);
        command.Parameters.AddWithValue(HnswFaceIndex.KindName);
        command.Parameters.AddWithValue(OptionsOf(scalar, options));
    }

    /// <summary>
    /// Stores the graph <paramref name="saveGraph"/> writes (into the file it is given; it returns the ids of the
    /// faces the graph holds and the last change it holds) as the store's newest snapshot, in one transaction,
    /// and deletes the older ones. Not done when another replica is uploading, when the store already has a
    /// snapshot at least as recent, or when faces were erased after the graph's stamp (the graph still holds them).
    /// <paramref name="afterPart"/> is called after each part is sent (tests interrupt the upload there).
    /// </summary>
    public static async Task<SnapshotUpload> UploadAsync(string url, GalleryBinding binding, HnswOptions options,
        string workFolder, Func<string, (long[] Ids, long Stamp, HnswScalar Scalar)> saveGraph,
        int partBytes = DefaultPartBytes, Action<int>? afterPart = null, CancellationToken ct = default)
    {
        var clock = Stopwatch.StartNew();
        await using var source = Open(url);
        await using var connection = await source.OpenConnectionAsync(ct);
        await using (var take = new NpgsqlCommand($"SELECT pg_try_advisory_lock({UploadLock})", connection))
            if (!(bool)(await take.ExecuteScalarAsync(ct))!)
                return new SnapshotUpload(null, 0, 0, clock.Elapsed, "another replica is uploading a snapshot");
        var graphPath = PrivateTempGraph(workFolder, $"snapshot-{Guid.NewGuid():N}.usearch.tmp");
        try
        {
            var (ids, stamp, scalar) = saveGraph(graphPath);
            await using (var newest = new NpgsqlCommand("""
                SELECT coalesce(max(stamp), -1) FROM index_snapshots
                WHERE model_id = $1 AND fingerprint_id = $2 AND dimensions = $3 AND kind = $4 AND options = $5
                """, connection))
            {
                AddBinding(newest, binding, scalar, options);
                var stored = (long)(await newest.ExecuteScalarAsync(ct))!;
                if (stored >= stamp)
                    return new SnapshotUpload(null, stamp, 0, clock.Elapsed, $"the store has a snapshot at change {stored} already");
            }
            var idBytes = MemoryMarshal.AsBytes(ids.AsSpan()).ToArray();
            using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
            long size;
            await using var transaction = await connection.BeginTransactionAsync(ct);
            long id;
            await using (var insert = new NpgsqlCommand("""
                INSERT INTO index_snapshots (model_id, fingerprint_id, dimensions, kind, options, stamp, faces, face_ids, size, sha256)
                VALUES ($1, $2, $3, $4, $5, $6, $7, $8, 0, '') RETURNING id
                """, connection, transaction))
            {
                AddBinding(insert, binding, scalar, options);
                insert.Parameters.AddWithValue(stamp);
                insert.Parameters.AddWithValue(ids.Length);
                insert.Parameters.AddWithValue(idBytes);
                id = (long)(await insert.ExecuteScalarAsync(ct))!;
            }
            await using (var graph = new FileStream(graphPath, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 20))
            await using (var parts = await connection.BeginBinaryImportAsync(
                             "COPY index_snapshot_parts (snapshot_id, part, data) FROM STDIN (FORMAT BINARY)", ct))
            {
                size = graph.Length;
                var buffer = new byte[(int)Math.Min(partBytes, Math.Max(size, 1))];
                for (var part = 0; ; part++)
                {
                    var read = await graph.ReadAtLeastAsync(buffer, buffer.Length, throwOnEndOfStream: false, ct);
                    if (read == 0 && part > 0) break;
                    hash.AppendData(buffer, 0, read);
                    await parts.StartRowAsync(ct);
                    await parts.WriteAsync(id, NpgsqlDbType.Bigint, ct);
                    await parts.WriteAsync(part, NpgsqlDbType.Integer, ct);
                    await parts.WriteAsync(new ArraySegment<byte>(buffer, 0, read), NpgsqlDbType.Bytea, ct);
                    afterPart?.Invoke(part);
                    if (read < buffer.Length) break;
                }
                await parts.CompleteAsync(ct);
            }
            hash.AppendData(idBytes);
            var sha256 = Convert.ToHexStringLower(hash.GetHashAndReset());
            await using (var finish = new NpgsqlCommand("UPDATE index_snapshots SET size = $1, sha256 = $2 WHERE id = $3",
                             connection, transaction))
            {
                finish.Parameters.AddWithValue(size);
                finish.Parameters.AddWithValue(sha256);
                finish.Parameters.AddWithValue(id);
                await finish.ExecuteNonQueryAsync(ct);
            }
            // Under the change log's lock: an erase committed before now is seen here; one after deletes this snapshot.
            await using (var changesLock = new NpgsqlCommand(
                             $"SELECT pg_advisory_xact_lock({PostgresSchema.ChangesLock})", connection, transaction))
                await changesLock.ExecuteNonQueryAsync(ct);
            // The log's floor above the stamp: changes after it were dropped unseen, an erase perhaps among them.
            await using (var erased = new NpgsqlCommand($"""
                SELECT EXISTS (SELECT 1 FROM changes WHERE kind = 'erase' AND id > $1)
                    OR coalesce((SELECT max(value::bigint) FROM visage_meta WHERE key = '{PostgresSchema.FloorKey}'), 0) > $1
                """, connection, transaction))
            {
                erased.Parameters.AddWithValue(stamp);
                if ((bool)(await erased.ExecuteScalarAsync(ct))!)
                {
                    await transaction.RollbackAsync(ct);
                    return new SnapshotUpload(null, stamp, 0, clock.Elapsed,
                        "faces were erased (or the log trimmed) after the graph's stamp; the next look uploads the graph as it is then");
                }
            }
            await using (var older = new NpgsqlCommand("DELETE FROM index_snapshots WHERE id <> $1", connection, transaction))
            {
                older.Parameters.AddWithValue(id);
                await older.ExecuteNonQueryAsync(ct);
            }
            await transaction.CommitAsync(ct);
            return new SnapshotUpload(id, stamp, size, clock.Elapsed, null);
        }
        finally
        {
            File.Delete(graphPath);
        }
    }

    /// <summary>
    /// The index made from the newest snapshot bound as this replica is (downloaded into
    /// <paramref name="workFolder"/>, its checksum verified, loaded, then given the faces stored now: see
    /// <see cref="HnswFaceIndex.FromGraph"/>), with the store stamp it is current at; or why there is none.
    /// </summary>
    public static async Task<(HnswFaceIndex? Index, string? Stamp, SnapshotStart? Start, string? WhyNot)> TryStartAsync(
        string url, PostgresGallery gallery, HnswOptions options, string workFolder, CancellationToken ct)
    {
        var binding = gallery.Binding;
        var clock = Stopwatch.StartNew();
        await using var source = Open(url);
        await using var connection = await source.OpenConnectionAsync(ct);
        await using var transaction = await connection.BeginTransactionAsync(IsolationLevel.RepeatableRead, ct);
        long id, stamp, size;
        string sha256;
        byte[] idBytes;
        await using (var newest = new NpgsqlCommand("""
            SELECT id, stamp, size, sha256, options, face_ids, model_id, fingerprint_id, dimensions, kind
            FROM index_snapshots ORDER BY id DESC
            """, connection, transaction))
        await using (var reader = await newest.ExecuteReaderAsync(ct))
        {
            string? other = null;
            while (true)
            {
                if (!await reader.ReadAsync(ct))
                    return (null, null, null, other ?? "the store holds no graph snapshot");
                var (model, fingerprint, dimensions, kind) =
                    (reader.GetString(6), reader.GetString(7), reader.GetInt32(8), reader.GetString(9));
                var opts = reader.GetString(4);
                var wanted = OptionsOf(options.Scalar, options);
                if (model != binding.ModelId || fingerprint != (binding.FingerprintId ?? "") || dimensions != binding.Dimensions)
                {
                    other ??= $"the store's snapshot {reader.GetInt64(0)} is bound to model '{model}' ({dimensions}-d" +
                              (fingerprint.Length > 0 ? $", fingerprint {fingerprint}" : "") + "), not this replica's";
                    continue;
                }
                if (kind != HnswFaceIndex.KindName || wanted != opts)
                {
                    other ??= $"the store's snapshot {reader.GetInt64(0)} is a {kind} graph with {opts}, " +
                              $"not {wanted} as this replica's";
                    continue;
                }
                (id, stamp, size, sha256, idBytes) = (reader.GetInt64(0), reader.GetInt64(1),
                    reader.GetInt64(2), reader.GetString(3), (byte[])reader.GetValue(5));
                break;
            }
        }
        var graphPath = PrivateTempGraph(workFolder, $"snapshot-{id}-{Guid.NewGuid():N}.usearch.tmp");
        // The encodings are read (binary COPY, on a connection of their own) while the graph downloads: at a
        // million faces each takes seconds, and they wait on different things. Read after the snapshot was
        // chosen, so at a stamp at least as recent as the snapshot's.
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(ct);
        var started = Stopwatch.StartNew();
        TimeSpan encodings = default;
        var reading = Task.Run(async () =>
        {
            var read = await gallery.ReadIndexFacesAsync(stop.Token);
            encodings = started.Elapsed;
            return read;
        }, CancellationToken.None);
        try
        {
            using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
            long received = 0;
            var parts = 0;
            await using (var graph = new FileStream(graphPath, FileMode.Truncate, FileAccess.Write, FileShare.None, 1 << 20))
            {
                await using var read = new NpgsqlCommand(
                    "SELECT part, data FROM index_snapshot_parts WHERE snapshot_id = $1 ORDER BY part", connection, transaction);
                read.Parameters.AddWithValue(id);
                await using var reader = await read.ExecuteReaderAsync(CommandBehavior.SequentialAccess, ct);
                var buffer = new byte[1 << 20];
                while (await reader.ReadAsync(ct))
                {
                    if (reader.GetInt32(0) != parts)
                        return (null, null, null, $"the store's snapshot {id} is incomplete (part {parts} missing)");
                    parts++;
                    await using var data = reader.GetStream(1);
                    int n;
                    while ((n = await data.ReadAsync(buffer, ct)) > 0)
                    {
                        hash.AppendData(buffer, 0, n);
                        await graph.WriteAsync(buffer.AsMemory(0, n), ct);
                        received += n;
                    }
                }
            }
            await transaction.CommitAsync(ct);
            hash.AppendData(idBytes);
            var actual = Convert.ToHexStringLower(hash.GetHashAndReset());
            if (received != size || actual != sha256)
                return (null, null, null, $"the store's snapshot {id} is corrupt ({received} bytes with SHA-256 " +
                                          $"{actual[..12]}…, {size} with {(sha256.Length >= 12 ? sha256[..12] : sha256)}… expected)");
            var download = clock.Elapsed;
            var (faces, currentStamp) = await reading;

            clock.Restart();
            var ids = MemoryMarshal.Cast<byte, long>(idBytes).ToArray();
            HnswFaceIndex index;
            int removed, added;
            try
            {
                index = HnswFaceIndex.FromGraph(graphPath, ids,
                    faces.Select(f => new IndexedFace(f.Id, f.Identity, f.Embedding)).ToList(), binding.Dimensions,
                    options, options.Scalar, out removed, out added);
            }
            catch (Exception e) when (e is InvalidDataException or Cloud.Unum.USearch.USearchException or ArgumentException)
            {
                return (null, null, null, $"the store's snapshot {id} is unusable ({e.Message})");
            }
            // The graph must be the store's as of its stamp: faces added since are at most the changes since, and
            // deletions since would have deleted the snapshot. Anything else is another store's graph or a wrong one.
            var since = PostgresIndexSync.ChangeOf(currentStamp) - stamp;
            if (removed > 0 || added > Math.Max(since, 0))
            {
                index.Dispose();
                return (null, null, null, $"the store's snapshot {id} does not hold the faces stored at its stamp " +
                                          $"({removed} of its faces are not stored, {added} stored faces missing, {since} changes since)");
            }
            return (index, currentStamp,
                new SnapshotStart(id, stamp, size, download, encodings, clock.Elapsed, removed, added), null);
        }
        finally
        {
            // Refused or failed: the encodings are not needed (nor an exception of theirs, after another).
            await stop.CancelAsync();
            try { await reading; }
            catch (Exception) when (stop.IsCancellationRequested) { }
            File.Delete(graphPath);
        }
    }

    /// <summary>
    /// A graph file holds every face's encoding (in bytes): made empty and owner-only (0600) before anything is
    /// written to it, in an owner-only folder; graphs left by a process that died mid-transfer (over an hour
    /// old) are removed first.
    /// </summary>
    internal static string PrivateTempGraph(string workFolder, string name)
    {
        PrivateFiles.CreateFolder(workFolder);
        foreach (var stale in Directory.EnumerateFiles(workFolder, "snapshot-*.usearch.tmp"))
        {
            try
            {
                if (File.GetLastWriteTimeUtc(stale) < DateTime.UtcNow.AddHours(-1)) File.Delete(stale);
            }
            catch (IOException) { }
            catch (UnauthorizedAccessException) { }
        }
        var path = Path.Combine(workFolder, name);
        if (!PrivateFiles.TryCreateEmpty(path)) throw new IOException($"{path}: exists already");
        return path;
    }
}
