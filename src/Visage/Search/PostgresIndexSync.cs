using System.Runtime.InteropServices;
using Npgsql;
using Visage.Storage.Postgres;

namespace Visage.Search;

/// <summary>
/// Keeps one replica's in-memory index in step with the shared store: it LISTENs on the change channel and,
/// on each notification (and every few seconds anyway), applies the changes logged after the last one it
/// applied, in order, read in one query with the encodings they add and added in batches. A lost connection is
/// retried; on its return the log replays whatever was missed, so no change is skipped. Changes become visible
/// in id order (see <see cref="PostgresSchema.ChangesLock"/>), so "after the last id applied" is all a replica
/// has to remember; when the log no longer holds all of that (below its floor, or before an erasure), the
/// replica reconciles with the faces stored instead.
/// </summary>
internal sealed class PostgresIndexSync : IAsyncDisposable
{
    /// <summary>The listening connection's application_name, as the server lists it.</summary>
    public const string ApplicationName = "visage-index-sync";

    private static readonly TimeSpan Poll = TimeSpan.FromSeconds(5);
    private static readonly TimeSpan Retry = TimeSpan.FromSeconds(1);

    private readonly NpgsqlDataSource _source;
    private readonly IFaceIndex _index;
    private readonly CancellationTokenSource _stop = new();
    private readonly SemaphoreSlim _catchingUp = new(1, 1);
    private readonly Task _loop;
    private long _applied;

    private PostgresIndexSync(NpgsqlDataSource source, IFaceIndex index, long fromChange)
    {
        _source = source;
        _index = index;
        _applied = fromChange;
        _loop = Task.Run(() => RunAsync(_stop.Token));
    }

    /// <summary>The last change applied to the index.</summary>
    public long AppliedChange => Interlocked.Read(ref _applied);

    /// <summary>Whether the listening connection is up and the index has caught up with the log (false while it is being retried).</summary>
    public bool Connected { get; private set; }

    /// <summary>The last connection failure, for health reports; null once connected again.</summary>
    public string? LastError { get; private set; }

    /// <summary>
    /// Starts following the store at <paramref name="url"/> for an index that holds every change up to
    /// <paramref name="fromChange"/> (the number after the colon of the stamp it was built or loaded at).
    /// </summary>
    public static PostgresIndexSync Start(string url, IFaceIndex index, long fromChange)
    {
        var settings = PostgresLocation.Parse(url);
        settings.KeepAlive = 10;
        settings.ApplicationName = ApplicationName;
        return new PostgresIndexSync(NpgsqlDataSource.Create(settings.ConnectionString), index, fromChange);
    }

    /// <summary>The change number of a stamp "STORE:CHANGE".</summary>
    public static long ChangeOf(string stamp) => long.Parse(stamp[(stamp.LastIndexOf(':') + 1)..]);

    private async Task RunAsync(CancellationToken ct)
    {
        while (!ct.IsCancellationRequested)
        {
            try
            {
                await using var connection = await _source.OpenConnectionAsync(ct);
                await using (var listen = new NpgsqlCommand($"LISTEN {PostgresSchema.ChangesChannel}", connection))
                    await listen.ExecuteNonQueryAsync(ct);
                // Listening first, then catching up: a change committed in between is both read and announced.
                // Connected only once caught up, so that it means "listening, and holding everything logged so far".
                await CatchUpAsync(connection, ct);
                Connected = true;
                LastError = null;
                while (!ct.IsCancellationRequested)
                {
                    await connection.WaitAsync(Poll, ct);
                    await CatchUpAsync(connection, ct);
                }
            }
            catch (OperationCanceledException) when (ct.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e)
            {
                // Whatever broke (the connection, the server, a change the index refused), start over from
                // the last change applied: the log is the truth, and replaying it is harmless.
                Connected = false;
                LastError = e.Message;
                try { await Task.Delay(Retry, ct); }
                catch (OperationCanceledException) { return; }
            }
        }
    }

    /// <summary>
    /// Applies every change committed so far, now, on a connection of its own: what a replica does after its own
    /// write, so that it answers with it at once (read your writes) instead of at the next notification.
    /// </summary>
    public async Task CatchUpNowAsync(CancellationToken ct = default)
    {
        await using var connection = await _source.OpenConnectionAsync(ct);
        await CatchUpAsync(connection, ct);
    }

    private async Task CatchUpAsync(NpgsqlConnection connection, CancellationToken ct)
    {
        // One catch-up at a time (the listener's and a writer's), so each change is applied once, in order.
        await _catchingUp.WaitAsync(ct);
        try
        {
            await CatchUpLockedAsync(connection, ct);
        }
        finally
        {
            _catchingUp.Release();
        }
    }

    private async Task CatchUpLockedAsync(NpgsqlConnection connection, CancellationToken ct)
    {
        while (await ReplayAsync(connection, ct))
            await ReconcileAsync(connection, ct);
    }

    /// <summary>The most faces added to the index in one batch while replaying: searches wait while a batch goes in.</summary>
    private const int MaxBatch = 512;

    /// <summary>
    /// Applies the changes logged after the last one applied, in order, read with the encodings of the faces
    /// added in one query (one snapshot), consecutive adds put into the index as one batch; true when it has to
    /// reconcile instead. It does when the last change applied is below the log's floor (changes it had not
    /// applied were trimmed or dropped by an erasure), and at an 'erase' logged after a change it had not
    /// applied (the erase dropped it, names and face ids included) or by schema version 2 (which listed no
    /// faces). An 'erase' after everything applied lists the faces it removed: they leave the index, no reconcile.
    /// </summary>
    private async Task<bool> ReplayAsync(NpgsqlConnection connection, CancellationToken ct)
    {
        await using var command = new NpgsqlCommand($"""
            SELECT (SELECT coalesce(max(value::bigint), 0) FROM visage_meta WHERE key = '{PostgresSchema.FloorKey}'),
                   c.id, c.kind, c.face_id, c.identity, c.new_identity, f.embedding, c.face_ids, c.previous
            FROM changes c LEFT JOIN faces f ON c.kind = 'add' AND f.id = c.face_id
            WHERE c.id > $1 ORDER BY c.id
            """, connection);
        command.Parameters.AddWithValue(AppliedChange);
        await using var reader = await command.ExecuteReaderAsync(ct);
        var batch = new List<IndexedFace>();
        var inBatch = new HashSet<long>();
        var last = AppliedChange;

        void Flush()
        {
            if (batch.Count > 0) _index.Add(batch);
            batch = [];
            inBatch.Clear();
            Interlocked.Exchange(ref _applied, last);
        }

        var first = true;
        while (await reader.ReadAsync(ct))
        {
            // The log always keeps a change above its floor (the newest, or the erase that raised it), so a
            // replica below the floor always reads a row and finds out here.
            if (first && AppliedChange < reader.GetInt64(0)) return true;
            first = false;
            var id = reader.GetInt64(1);
            var faceId = reader.IsDBNull(3) ? 0 : reader.GetInt64(3);
            var identity = reader.GetString(4);
            switch (reader.GetString(2))
            {
                // A face removed since has no row: the erase that follows in the log removes it.
                case "add" when !reader.IsDBNull(6) && !inBatch.Contains(faceId) && !_index.Contains(faceId):
                    var embedding = MemoryMarshal.Cast<byte, float>((byte[])reader.GetValue(6)).ToArray();
                    batch.Add(new IndexedFace(faceId, identity, embedding));
                    inBatch.Add(faceId);
                    last = id;
                    if (batch.Count >= MaxBatch) Flush();
                    continue;
                case "add":
                    break;
                case "remove": // logged by schema version 1 only
                    Flush();
                    _index.Remove([faceId]);
                    break;
                case "rename":
                    Flush();
                    _index.RenameIdentity(identity, reader.GetString(5));
                    break;
                case "erase":
                    Flush();
                    if (reader.IsDBNull(7) || reader.IsDBNull(8) || reader.GetInt64(8) > AppliedChange) return true;
                    _index.Remove(reader.GetFieldValue<long[]>(7));
                    ErasesApplied++;
                    break;
            }
            last = id;
            if (batch.Count == 0) Interlocked.Exchange(ref _applied, id);
        }
        Flush();
        return false;
    }

    /// <summary>How many erasures were applied by removing the faces they list (without reconciling), for tests and health.</summary>
    public int ErasesApplied { get; private set; }

    /// <summary>
    /// Makes the index hold exactly the faces stored, under their people's names, as of one snapshot, and the
    /// last change of that snapshot the one applied: faces gone are removed, faces missing (or whose person
    /// changed) are read with their encodings and added. Reads ids and names of every face, encodings only of
    /// those missing.
    /// </summary>
    private async Task ReconcileAsync(NpgsqlConnection connection, CancellationToken ct)
    {
        await using var transaction = await connection.BeginTransactionAsync(System.Data.IsolationLevel.RepeatableRead, ct);
        long last;
        await using (var stamp = new NpgsqlCommand(PostgresSchema.LastChangeSql, connection, transaction))
            last = (long)(await stamp.ExecuteScalarAsync(ct))!;
        var stored = new Dictionary<long, string>();
        await using (var export = await connection.BeginBinaryExportAsync("""
            COPY (SELECT f.id, i.name FROM faces f JOIN identities i ON i.id = f.identity_id) TO STDOUT (FORMAT BINARY)
            """, ct))
        {
            while (await export.StartRowAsync(ct) != -1)
                stored[await export.ReadAsync<long>(NpgsqlTypes.NpgsqlDbType.Bigint, ct)] =
                    await export.ReadAsync<string>(NpgsqlTypes.NpgsqlDbType.Text, ct);
        }
        var held = _index.FaceIdentities();
        var gone = held.Where(f => !stored.TryGetValue(f.Key, out var name) || name != f.Value).Select(f => f.Key).ToList();
        var missing = stored.Where(f => !held.TryGetValue(f.Key, out var name) || name != f.Value).Select(f => f.Key).ToArray();
        var added = new List<IndexedFace>(missing.Length);
        if (missing.Length > 0)
        {
            await using var read = new NpgsqlCommand("""
                SELECT f.id, i.name, f.embedding FROM faces f JOIN identities i ON i.id = f.identity_id
                WHERE f.id = ANY($1)
                """, connection, transaction);
            read.Parameters.AddWithValue(missing);
            await using var reader = await read.ExecuteReaderAsync(ct);
            while (await reader.ReadAsync(ct))
                added.Add(new IndexedFace(reader.GetInt64(0), reader.GetString(1),
                    MemoryMarshal.Cast<byte, float>((byte[])reader.GetValue(2)).ToArray()));
        }
        await transaction.CommitAsync(ct);
        if (gone.Count > 0) _index.Remove(gone);
        if (added.Count > 0) _index.Add(added);
        Interlocked.Exchange(ref _applied, last);
        Reconciled++;
    }

    /// <summary>How many times the index was reconciled with the store (after erasures), for tests and health.</summary>
    public int Reconciled { get; private set; }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        try { await _loop; }
        catch (OperationCanceledException) { }
        await _source.DisposeAsync();
        _stop.Dispose();
        _catchingUp.Dispose();
    }
}
