using Npgsql;
using Visage.Recognition;
using Visage.Storage;
using Visage.Storage.Postgres;

namespace Visage.Search;

/// <summary>
/// The search index of one gallery, kept in step with it: loaded from beside the gallery when it was saved at
/// the gallery's current stamp, else built from the store (and saved when it is a graph, which is slow to build);
/// changed face by face after each write made through <see cref="IndexedGallery"/>; rebuilt in full when the
/// gallery turns out to have been changed by someone else (another process writing the same SQLite file).
/// A PostgreSQL store is followed through its change log instead (<see cref="PostgresIndexSync"/>), which brings
/// in every replica's writes; a replica with no usable saved graph starts from the store's graph snapshot when
/// there is one (<see cref="PostgresIndexSnapshots"/>), and keeps that snapshot fresh. It starts exact and
/// becomes an HNSW graph when it grows to <see cref="FaceIndexOptions.HnswFromFaces"/> faces; a graph stays a graph when faces are removed.
/// </summary>
internal sealed class GalleryIndex : IFaceIndex, IAsyncDisposable
{
    private readonly IGallery _gallery;
    private readonly string? _folder;
    private readonly FaceIndexOptions _options;
    private readonly ReaderWriterLockSlim _switch = new();
    private readonly SemaphoreSlim _writing = new(1, 1);
    private SqliteChangeWatch? _watch;
    private long _seenVersion;
    private IFaceIndex _index;
    private string _stamp;
    private bool _changed;
    private bool _disposed;
    private CancellationTokenSource? _keeping;
    private Task? _keeper;
    private string? _storeUrl;

    private GalleryIndex(IGallery gallery, string? folder, FaceIndexOptions options, IFaceIndex index, string stamp)
    {
        _gallery = gallery;
        _folder = folder;
        _options = options;
        _index = index;
        _stamp = stamp;
        Dimensions = gallery.Binding.Dimensions;
    }

    /// <summary>Whether the index was loaded from its saved copy (false: built from the store).</summary>
    public bool Loaded { get; private init; }

    /// <summary>Why the saved copy was not used, when it was not.</summary>
    public string? WhyBuilt { get; private init; }

    /// <summary>How long opening took (loading or building), for health reports.</summary>
    public TimeSpan OpenTime { get; private init; }

    /// <summary>Set when the index was made from the store's graph snapshot (then <see cref="Loaded"/> is false).</summary>
    public SnapshotStart? FromSnapshot { get; private init; }

    /// <summary>Where the index came from: "built", "loaded" (its saved copy) or "snapshot" (the store's).</summary>
    public string Origin => Loaded ? "loaded" : FromSnapshot is not null ? "snapshot" : "built";

    /// <summary>What the last look at the store's snapshot did (uploaded one, or why not); null before the first.</summary>
    public SnapshotUpload? LastSnapshotUpload { get; private set; }

    /// <summary>Why the last look at the store's snapshot failed; null when it did not.</summary>
    public string? SnapshotError { get; private set; }

    /// <summary>
    /// Completes when the background work a start leaves is done (for tests and benchmarks): the local save of a
    /// graph that came from the store, and the first look at the store's snapshot when that is at once.
    /// </summary>
    public Task FirstSnapshotCheck => _firstCheck.Task;

    private readonly TaskCompletionSource _firstCheck = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>Following a PostgreSQL store's change log; null for a SQLite file.</summary>
    public PostgresIndexSync? Sync { get; private set; }

    /// <summary>The store stamp the index is known to be current at (for a replica: when it was opened).</summary>
    public string Stamp => Sync is { } sync ? $"{StoreOf(_stamp)}:{sync.AppliedChange}" : _stamp;

    /// <summary>
    /// Opens the index of <paramref name="gallery"/>, saved in <paramref name="folder"/> (null: never saved).
    /// <paramref name="storeUrl"/> is the PostgreSQL store's URL, whose change log a replica follows.
    /// </summary>
    public static async Task<GalleryIndex> OpenAsync(IGallery gallery, string? folder, string? storeUrl,
        FaceIndexOptions? options = null, CancellationToken ct = default)
    {
        options ??= FaceIndexOptions.Default;
        var started = System.Diagnostics.Stopwatch.StartNew();
        var dimensions = gallery.Binding.Dimensions;
        // Looked at before the index is read, so a commit by another program from now on is noticed.
        var watch = gallery is SqliteGallery sqlite && storeUrl is null ? sqlite.OpenChangeWatch() : null;
        var seenVersion = watch?.DataVersion() ?? 0;
        var stamp = await gallery.GetStampAsync(ct);
        IFaceIndex? index = null;
        string? whyNot = "not saved (small galleries are searched exactly and read from the store)";
        if (folder is not null && storeUrl is null)
            (index, whyNot) = FaceIndexFile.TryLoad(folder, stamp, dimensions, options.Hnsw);
        else if (folder is not null)
        {
            // A replica takes a graph saved at any earlier change of its store and replays the log from there.
            var current = stamp;
            string? saved;
            (index, saved, whyNot) = FaceIndexFile.TryLoad(folder,
                s => StoreOf(s) == StoreOf(current) && ChangeOf(s) <= ChangeOf(current), dimensions, options.Hnsw);
            if (saved is not null) stamp = saved;
        }
        var loaded = index is not null;
        SnapshotStart? fromSnapshot = null;
        if (index is null && storeUrl is not null && gallery is PostgresGallery store && options.StoreSnapshots)
        {
            try
            {
                var (fromStore, storeStamp, start, why) = await PostgresIndexSnapshots.TryStartAsync(storeUrl, store,
                    options.Hnsw, folder ?? Path.GetTempPath(), ct);
                if (fromStore is not null)
                    (index, stamp, fromSnapshot) = (fromStore, storeStamp!, start);
                else
                    whyNot += $"; {why}";
            }
            catch (Exception e) when (e is NpgsqlException or IOException or UnauthorizedAccessException)
            {
                whyNot += $"; the store's snapshot could not be read ({e.Message})";
            }
        }
        if (index is null)
        {
            var (faces, readStamp) = await gallery.ReadIndexFacesAsync(ct);
            ct.ThrowIfCancellationRequested();
            stamp = readStamp;
            index = FaceIndexes.Build(dimensions, faces.Select(f => new IndexedFace(f.Id, f.Identity, f.Embedding)).ToList(),
                options);
        }
        var result = new GalleryIndex(gallery, folder, options, index, stamp)
        {
            Loaded = loaded,
            FromSnapshot = fromSnapshot,
            WhyBuilt = loaded ? null : whyNot,
            OpenTime = started.Elapsed,
            _watch = watch,
            _seenVersion = seenVersion,
        };
        // From the store's snapshot, the local copy is saved in the background (a save of a large graph takes seconds).
        if (!loaded && fromSnapshot is null) result.TrySave();
        if (storeUrl is not null)
        {
            result.Sync = PostgresIndexSync.Start(storeUrl, result, PostgresIndexSync.ChangeOf(stamp));
            // Ready once it holds every change committed before it opened (those since a saved copy included).
            try
            {
                await result.Sync.CatchUpNowAsync(ct);
            }
            catch
            {
                await result.DisposeAsync();
                throw;
            }
            result._storeUrl = storeUrl;
            if (options.StoreSnapshots)
                result.StartSnapshotKeeper(saveFirst: fromSnapshot is not null, checkAtOnce: !loaded && fromSnapshot is null);
        }
        return result;
    }

    public string Kind => Read(i => i.Kind);
    public int Dimensions { get; }
    public int Count => Read(i => i.Count);
    public int IdentityCount => Read(i => i.IdentityCount);
    public bool Contains(long faceId) => Read(i => i.Contains(faceId));
    public IReadOnlyDictionary<long, string> FaceIdentities() => Read(i => i.FaceIdentities());

    /// <summary>How many identities <see cref="Identify"/> lists: all of them when exact, the nearest few from a graph.</summary>
    public const int GraphCandidates = 10;

    /// <summary>
    /// Every identity's distance, nearest first, as <see cref="FaceMatcher.DistancesTo"/> gives them, when the
    /// index is exact; from a graph, the <see cref="GraphCandidates"/> nearest it finds.
    /// </summary>
    public IReadOnlyList<IdentityDistance> DistancesTo(ReadOnlySpan<float> embedding)
    {
        NoticeOtherWriters();
        _switch.EnterReadLock();
        try
        {
            return _index.Search(embedding, _index is ExactFaceIndex ? int.MaxValue : GraphCandidates);
        }
        finally { _switch.ExitReadLock(); }
    }

    /// <summary>Who the face is, as <see cref="FaceMatcher.Identify"/> answers.</summary>
    public Identification Identify(Face face, float threshold)
    {
        return Identification.Decide(face, DistancesTo(face.Embedding), threshold);
    }

    public IReadOnlyList<IdentityDistance> Search(ReadOnlySpan<float> query, int identities)
    {
        NoticeOtherWriters();
        _switch.EnterReadLock();
        try { return _index.Search(query, identities); }
        finally { _switch.ExitReadLock(); }
    }

    public void Add(IReadOnlyList<IndexedFace> faces)
    {
        _switch.EnterWriteLock();
        try
        {
            if (_index is ExactFaceIndex exact && exact.Count + faces.Count >= _options.HnswFromFaces)
            {
                // Grown past what exact search is fast for: the faces move into a graph.
                var all = exact.Faces();
                all.AddRange(faces);
                _index = FaceIndexes.Build(Dimensions, all, _options);
                exact.Dispose();
            }
            else
            {
                _index.Add(faces);
            }
            _changed = true;
        }
        finally { _switch.ExitWriteLock(); }
    }

    public int Remove(IReadOnlyCollection<long> faceIds) => Write(i => i.Remove(faceIds));

    public int RemoveIdentity(string identity) => Write(i => i.RemoveIdentity(identity));

    public void RenameIdentity(string from, string to) => Write(i =>
    {
        i.RenameIdentity(from, to);
        return 0;
    });

    /// <summary>
    /// Runs a write through this process and then applies it (<see cref="AfterWriteAsync"/>), with searches'
    /// look for other programs' writes held off meanwhile: it would otherwise find this write committed and not
    /// yet applied, and read the gallery again for it.
    /// </summary>
    public async Task<T> WriteThroughAsync<T>(Func<Task<T>> write, Func<T, Action<IFaceIndex>> change,
        Func<T, bool> erases)
    {
        await _writing.WaitAsync();
        try
        {
            var result = await write();
            await AfterWriteAsync(change(result), erases(result), CancellationToken.None);
            return result;
        }
        finally { _writing.Release(); }
    }

    /// <summary>
    /// After a write through this process: a replica catches up with the store's log (its own write included);
    /// a SQLite gallery applies <paramref name="change"/> when nobody else wrote since the index was current,
    /// and is reconciled with the file otherwise. A write that erases anything also erases the saved copy, whose
    /// files would otherwise keep the erased encodings until the next save.
    /// </summary>
    public async Task AfterWriteAsync(Action<IFaceIndex> change, bool erases, CancellationToken ct)
    {
        if (erases) DeleteSaved();
        if (Sync is { } sync)
        {
            await sync.CatchUpNowAsync(ct);
            return;
        }
        if (_gallery is not SqliteGallery { LastWrite: { } write } sqlite) return;
        var stamp = await sqlite.GetStampAsync(ct);
        if (write.Before == ChangeOf(_stamp) && ChangeOf(stamp) == write.After)
        {
            change(this);
            _stamp = stamp;
            _changed = true;
            return;
        }
        await ReconcileAsync(ct);
    }

    /// <summary>
    /// Before a search: when another program committed to the SQLite file since the index was current (say
    /// <c>visage people delete</c> while <c>visage serve</c> runs), the index catches up first. Costs one
    /// PRAGMA when nobody wrote. Skipped while a write through this process is being applied (it catches up).
    /// </summary>
    private void NoticeOtherWriters()
    {
        if (_watch is not { } watch || _disposed) return;
        var version = watch.DataVersion();
        if (version == Interlocked.Read(ref _seenVersion)) return;
        if (!_writing.Wait(0)) return;
        try
        {
            if (watch.ReadStamp() != _stamp) ReconcileAsync(CancellationToken.None).GetAwaiter().GetResult();
            Interlocked.Exchange(ref _seenVersion, version);
            OthersNoticed++;
        }
        finally { _writing.Release(); }
    }

    /// <summary>How many times a search found another program's commit to the file (for tests).</summary>
    public int OthersNoticed { get; private set; }

    /// <summary>
    /// Makes the index hold what the store holds now: an exact index is built again from the faces read (as
    /// quick as comparing); a graph, which is slow to build, only loses the faces gone and gains those new
    /// (a face whose person changed counts as both).
    /// </summary>
    public async Task ReconcileAsync(CancellationToken ct)
    {
        var (faces, stamp) = await _gallery.ReadIndexFacesAsync(ct);
        bool exact;
        _switch.EnterReadLock();
        try { exact = _index is ExactFaceIndex; }
        finally { _switch.ExitReadLock(); }
        if (exact || faces.Count == 0)
        {
            Replace(FaceIndexes.Build(Dimensions, faces.Select(f => new IndexedFace(f.Id, f.Identity, f.Embedding)).ToList(),
                _options), stamp);
            return;
        }
        _switch.EnterWriteLock();
        try
        {
            var held = _index.FaceIdentities();
            var stored = faces.ToDictionary(f => f.Id);
            var gone = held.Where(f => !stored.TryGetValue(f.Key, out var face) || face.Identity != f.Value)
                .Select(f => f.Key).ToList();
            var added = faces.Where(f => !held.TryGetValue(f.Id, out var name) || name != f.Identity)
                .Select(f => new IndexedFace(f.Id, f.Identity, f.Embedding)).ToList();
            if (gone.Count > 0) _index.Remove(gone);
            if (added.Count > 0) _index.Add(added);
            _stamp = stamp;
            _changed = true;
        }
        finally { _switch.ExitWriteLock(); }
    }

    /// <summary>Reads every face from the store again and replaces the index with one built from them.</summary>
    public async Task RebuildAsync(CancellationToken ct)
    {
        var (faces, stamp) = await _gallery.ReadIndexFacesAsync(ct);
        Replace(FaceIndexes.Build(Dimensions, faces.Select(f => new IndexedFace(f.Id, f.Identity, f.Embedding)).ToList(),
            _options), stamp);
    }

    private void Replace(IFaceIndex rebuilt, string stamp)
    {
        IFaceIndex old;
        _switch.EnterWriteLock();
        try
        {
            old = _index;
            _index = rebuilt;
            _stamp = stamp;
            _changed = true;
        }
        finally { _switch.ExitWriteLock(); }
        old.Dispose();
    }

    /// <summary>
    /// Saves a graph beside the gallery at the stamp it is current at, so the next start loads it; an exact
    /// index is not saved (reading the gallery is as quick). Best effort: an index that cannot be saved still
    /// answers, and the next start builds it again.
    /// </summary>
    private void TrySave()
    {
        if (_folder is null) return;
        _switch.EnterReadLock();
        try
        {
            if (_index is not HnswFaceIndex) return;
            FaceIndexFile.Save(_index, _folder, Stamp);
            _changed = false;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // Unwritable folder (a read-only gallery): rebuilt next time.
        }
        finally { _switch.ExitReadLock(); }
    }

    private void DeleteSaved()
    {
        if (_folder is null || !Directory.Exists(_folder)) return;
        try
        {
            Directory.Delete(_folder, recursive: true);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // Left behind, it is stale (another stamp) and never loaded; the next save replaces it.
        }
    }

    private static long ChangeOf(string stamp) => PostgresIndexSync.ChangeOf(stamp);

    private static string StoreOf(string stamp) => stamp[..stamp.LastIndexOf(':')];

    private T Read<T>(Func<IFaceIndex, T> read)
    {
        _switch.EnterReadLock();
        try { return read(_index); }
        finally { _switch.ExitReadLock(); }
    }

    private T Write<T>(Func<IFaceIndex, T> write)
    {
        _switch.EnterWriteLock();
        try
        {
            _changed = true;
            return write(_index);
        }
        finally { _switch.ExitWriteLock(); }
    }

    /// <summary>
    /// Off the request path: saves the graph locally first when it came from the store's snapshot, then looks at
    /// the store's snapshot every <see cref="FaceIndexOptions.SnapshotCheck"/> (see <see cref="RefreshSnapshotAsync"/>),
    /// the first time at once when the graph was just built (minutes of work other replicas need not repeat),
    /// else after one interval (a replica that loaded its graph serves first).
    /// </summary>
    private void StartSnapshotKeeper(bool saveFirst, bool checkAtOnce)
    {
        _keeping = new CancellationTokenSource();
        var ct = _keeping.Token;
        _keeper = Task.Run(async () =>
        {
            try
            {
                if (saveFirst) TrySave();
                if (_options.SnapshotCheck is not { } every) return;
                if (!checkAtOnce)
                {
                    _firstCheck.TrySetResult();
                    await Task.Delay(every, ct);
                }
                while (!ct.IsCancellationRequested)
                {
                    try
                    {
                        if (await RefreshSnapshotAsync(ct) is { } upload) LastSnapshotUpload = upload;
                        SnapshotError = null;
                    }
                    catch (OperationCanceledException) when (ct.IsCancellationRequested)
                    {
                        return;
                    }
                    catch (Exception e)
                    {
                        SnapshotError = e.Message;
                    }
                    _firstCheck.TrySetResult();
                    await Task.Delay(every, ct);
                }
            }
            catch (OperationCanceledException) when (ct.IsCancellationRequested)
            {
            }
            finally
            {
                _firstCheck.TrySetResult();
            }
        }, CancellationToken.None);
    }

    /// <summary>
    /// Uploads the graph as the store's snapshot when the store has none this replica would use (never made, or
    /// deleted by an erasure) or when the newest is <see cref="FaceIndexOptions.SnapshotAfterChanges"/> changes behind;
    /// null when nothing was to be done (an exact index, or a snapshot recent enough).
    /// </summary>
    public async Task<SnapshotUpload?> RefreshSnapshotAsync(CancellationToken ct)
    {
        if (_storeUrl is null || Read(i => i is not HnswFaceIndex)) return null;
        var newest = await PostgresIndexSnapshots.NewestStampAsync(_storeUrl, _gallery.Binding, _options.Hnsw, ct);
        if (newest is { } at && ChangeOf(Stamp) - at < _options.SnapshotAfterChanges) return null;
        return await UploadSnapshotAsync(ct: ct);
    }

    /// <summary>Uploads the graph as the store's snapshot now (see <see cref="PostgresIndexSnapshots.UploadAsync"/>).</summary>
    public Task<SnapshotUpload> UploadSnapshotAsync(int partBytes = PostgresIndexSnapshots.DefaultPartBytes,
        Action<int>? afterPart = null, CancellationToken ct = default)
    {
        if (_storeUrl is null) throw new InvalidOperationException("only an index of a PostgreSQL store has snapshots");
        return PostgresIndexSnapshots.UploadAsync(_storeUrl, _gallery.Binding, _options.Hnsw,
            _folder ?? Path.GetTempPath(), path =>
            {
                // The graph as of a stamp it holds every change up to: changes are applied under the write lock.
                _switch.EnterReadLock();
                try
                {
                    if (_index is not HnswFaceIndex hnsw)
                        throw new InvalidOperationException("only a graph is kept as a snapshot");
                    var stamp = ChangeOf(Stamp);
                    return (hnsw.SaveGraph(path), stamp, hnsw.Scalar);
                }
                finally { _switch.ExitReadLock(); }
            }, partBytes, afterPart, ct);
    }

    /// <summary>Stops following the store and saves the index if it changed since it was saved or loaded.</summary>
    public async ValueTask DisposeAsync()
    {
        if (_disposed) return;
        _disposed = true;
        if (_keeping is not null)
        {
            await _keeping.CancelAsync();
            try { await _keeper!; }
            catch (OperationCanceledException) { }
            _keeping.Dispose();
        }
        if (Sync is { } sync) await sync.DisposeAsync();
        try
        {
            // Saved only when it is still what the store holds: a SQLite gallery someone else wrote since is
            // left to be rebuilt at the next start.
            if (_changed && _folder is not null
                && (Sync is not null || await _gallery.GetStampAsync(CancellationToken.None) == _stamp))
                TrySave();
        }
        catch (Exception e) when (e is VisageException or IOException)
        {
            // The store is gone (closed, unreachable): nothing to save against.
        }
        _index.Dispose();
        _watch?.Dispose();
        _switch.Dispose();
    }

    public void Dispose() => DisposeAsync().AsTask().GetAwaiter().GetResult();
}
