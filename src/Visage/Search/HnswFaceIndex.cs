using Cloud.Unum.USearch;
using Visage.Recognition;

namespace Visage.Search;

/// <summary>
/// Faces in an HNSW graph (USearch, squared Euclidean on float32, keyed by face id) for galleries too large
/// to compare with every face. The graph finds the nearest faces approximately; their identities are then
/// ranked by the exact distance (<see cref="FaceDistance.Euclidean"/>) of each face found. So a distance
/// reported is always a true distance to one of that identity's faces, and it is the identity's distance
/// (its nearest face) whenever the graph found that face among the candidates; an identity whose nearest
/// face was missed can come out farther than it is, or not at all. How often that happens is measured by the
/// benchmark (recall@1 against <see cref="ExactFaceIndex"/>).
/// </summary>
internal sealed class HnswFaceIndex : IFaceIndex
{
    public const string KindName = "hnsw";

    private readonly ReaderWriterLockSlim _lock = new();
    private readonly SemaphoreSlim _nativeSearches;
    private readonly Dictionary<long, int> _slotOf;
    private readonly IdentityTable _identities;
    private readonly USearchIndex _graph;

    public HnswFaceIndex(int dimensions, HnswOptions? options = null)
    {
        if (dimensions <= 0) throw new ArgumentOutOfRangeException(nameof(dimensions));
        Options = options ?? HnswOptions.Default;
        Dimensions = dimensions;
        _graph = new USearchIndex(MetricKind.L2sq, ScalarKind.Float32, (ulong)dimensions,
            (ulong)Options.Connectivity, (ulong)Options.ExpansionAdd, (ulong)Options.ExpansionSearch, false);
        _slotOf = new Dictionary<long, int>();
        _identities = new IdentityTable();
        _nativeSearches = Configure(_graph, Options);
    }

    private HnswFaceIndex(int dimensions, HnswOptions options, USearchIndex graph, Dictionary<long, int> slotOf,
        IdentityTable identities)
    {
        Options = options;
        Dimensions = dimensions;
        _graph = graph;
        _slotOf = slotOf;
        _identities = identities;
        _nativeSearches = Configure(_graph, Options);
    }

    private static SemaphoreSlim Configure(USearchIndex graph, HnswOptions options)
    {
        USearchNative.ChangeThreads(graph, options.Threads);
        USearchNative.ChangeExpansionSearch(graph, (ulong)options.ExpansionSearch);
        return new SemaphoreSlim(options.Threads, options.Threads);
    }

    public HnswOptions Options { get; }
    public string Kind => KindName;
    public int Dimensions { get; }

    public int Count
    {
        get { _lock.EnterReadLock(); try { return _slotOf.Count; } finally { _lock.ExitReadLock(); } }
    }

    public int IdentityCount
    {
        get { _lock.EnterReadLock(); try { return _identities.Count; } finally { _lock.ExitReadLock(); } }
    }

    /// <summary>Bytes the graph and its vectors take in native memory.</summary>
    public long NativeMemoryBytes
    {
        get { _lock.EnterReadLock(); try { return USearchNative.MemoryUsage(_graph); } finally { _lock.ExitReadLock(); } }
    }

    public bool Contains(long faceId)
    {
        _lock.EnterReadLock();
        try { return _slotOf.ContainsKey(faceId); }
        finally { _lock.ExitReadLock(); }
    }

    public void Add(IReadOnlyList<IndexedFace> faces)
    {
        _lock.EnterWriteLock();
        try
        {
            FaceBatch.Validate(faces, Dimensions, _slotOf.ContainsKey);
            foreach (var face in faces)
                if (face.Id < 0) throw new ArgumentException($"face {face.Id}: ids of an HNSW index are not negative");
            var needed = (ulong)(_slotOf.Count + faces.Count);
            var capacity = _graph.Capacity();
            if (needed > capacity)
                USearchNative.Reserve(_graph, Math.Max(needed, capacity + capacity / 2));

            if (faces.Count >= 256 && Options.Threads > 1)
                Parallel.For(0, faces.Count, new ParallelOptions { MaxDegreeOfParallelism = Options.Threads },
                    i => _graph.Add((ulong)faces[i].Id, faces[i].Embedding));
            else
                foreach (var face in faces)
                    _graph.Add((ulong)face.Id, face.Embedding);

            foreach (var face in faces)
                _slotOf[face.Id] = _identities.AddFace(face.Identity);
        }
        finally { _lock.ExitWriteLock(); }
    }

    public int Remove(IReadOnlyCollection<long> faceIds)
    {
        _lock.EnterWriteLock();
        try
        {
            var removed = 0;
            foreach (var id in faceIds)
                if (_slotOf.Remove(id, out var slot))
                {
                    _graph.Remove((ulong)id);
                    _identities.RemoveFace(slot);
                    removed++;
                }
            return removed;
        }
        finally { _lock.ExitWriteLock(); }
    }

    public int RemoveIdentity(string identity)
    {
        _lock.EnterWriteLock();
        try
        {
            if (!_identities.TryGetSlot(identity, out var slot)) return 0;
            var ids = FacesIn(slot);
            foreach (var id in ids)
            {
                _slotOf.Remove(id);
                _graph.Remove((ulong)id);
                _identities.RemoveFace(slot);
            }
            return ids.Count;
        }
        finally { _lock.ExitWriteLock(); }
    }

    public void RenameIdentity(string from, string to)
    {
        ArgumentException.ThrowIfNullOrEmpty(to);
        _lock.EnterWriteLock();
        try
        {
            if (!_identities.TryGetSlot(from, out var slot) || from == to) return;
            var target = _identities.Rename(slot, to);
            if (target == slot) return;
            var ids = FacesIn(slot);
            foreach (var id in ids) _slotOf[id] = target;
            _identities.MoveFaces(slot, target, ids.Count);
        }
        finally { _lock.ExitWriteLock(); }
    }

    /// <summary>Changes how many candidates a search keeps (ef), for benchmarks that try several on one graph.</summary>
    internal void ChangeExpansionSearch(int expansion)
    {
        _lock.EnterWriteLock();
        try { USearchNative.ChangeExpansionSearch(_graph, (ulong)expansion); }
        finally { _lock.ExitWriteLock(); }
    }

    private List<long> FacesIn(int slot) => _slotOf.Where(kv => kv.Value == slot).Select(kv => kv.Key).ToList();

    public IReadOnlyList<IdentityDistance> Search(ReadOnlySpan<float> query, int identities)
    {
        if (query.Length != Dimensions)
            throw new ArgumentException($"encodings of {query.Length} and {Dimensions} numbers cannot be compared");
        if (identities <= 0) return [];
        var probe = query.ToArray();
        _lock.EnterReadLock();
        try
        {
            var faces = _slotOf.Count;
            if (faces == 0) return [];
            identities = Math.Min(identities, _identities.Count);
            var wanted = (int)Math.Min(faces,
                Math.Max((long)Options.MinCandidates, (long)identities * Options.CandidatesPerIdentity));
            while (true)
            {
                // Every face wanted: compare with each, as exact search does (a graph need not reach them all).
                var nearest = wanted >= faces ? NearestByIdentity(probe, _slotOf.Keys) : NearestByIdentity(probe, wanted);
                // Too few identities among the faces found: look further.
                if (nearest.Count >= identities || wanted >= faces)
                    return IdentityRanking.Top(nearest.Select(kv => new IdentityDistance(
                        _identities.NameOf(kv.Key)!, kv.Value)).ToList(), identities);
                wanted = (int)Math.Min(faces, wanted * 4L);
            }
        }
        finally { _lock.ExitReadLock(); }
    }

    /// <summary>For each identity among the <paramref name="wanted"/> faces found, its nearest one's exact distance.</summary>
    private Dictionary<int, float> NearestByIdentity(float[] probe, int wanted)
    {
        ulong[] keys;
        int found;
        _nativeSearches.Wait();
        try
        {
            found = _graph.Search(probe, wanted, out keys, out _);
        }
        finally { _nativeSearches.Release(); }

        return NearestByIdentity(probe, keys.Take(found).Select(key => (long)key));
    }

    private Dictionary<int, float> NearestByIdentity(float[] probe, IEnumerable<long> faceIds)
    {
        var nearest = new Dictionary<int, float>();
        foreach (var id in faceIds)
        {
            if (!_slotOf.TryGetValue(id, out var slot)) continue;
            if (_graph.Get((ulong)id, out float[] vector) < 1) continue;
            var distance = FaceDistance.Euclidean(probe, vector);
            if (!nearest.TryGetValue(slot, out var best) || distance < best) nearest[slot] = distance;
        }
        return nearest;
    }

    /// <summary>Saves the graph to <paramref name="graphPath"/> and writes identities and face slots.</summary>
    internal void Write(BinaryWriter writer, string graphPath)
    {
        _lock.EnterReadLock();
        try
        {
            _graph.Save(graphPath);
            _identities.Write(writer);
            writer.Write(_slotOf.Count);
            foreach (var (id, slot) in _slotOf)
            {
                writer.Write(id);
                writer.Write(slot);
            }
        }
        finally { _lock.ExitReadLock(); }
    }

    internal static HnswFaceIndex Read(BinaryReader reader, string graphPath, int dimensions, HnswOptions options)
    {
        var identities = IdentityTable.Read(reader);
        var count = reader.ReadInt32();
        if (count < 0) throw new InvalidDataException($"face count {count}");
        var slotOf = new Dictionary<long, int>(count);
        for (var i = 0; i < count; i++)
        {
            var id = reader.ReadInt64();
            var slot = reader.ReadInt32();
            identities.CountFace(slot);
            if (!slotOf.TryAdd(id, slot)) throw new InvalidDataException($"face {id} twice");
        }
        identities.FreeEmptySlots();

        var graph = new USearchIndex(graphPath);
        try
        {
            if (graph.Dimensions() != (ulong)dimensions || graph.Size() != (ulong)count)
                throw new InvalidDataException(
                    $"graph of {graph.Size()} faces of {graph.Dimensions()} numbers, {count} of {dimensions} expected");
            return new HnswFaceIndex(dimensions, options, graph, slotOf, identities);
        }
        catch
        {
            graph.Dispose();
            throw;
        }
    }

    public void Dispose()
    {
        _graph.Dispose();
        _nativeSearches.Dispose();
        _lock.Dispose();
    }
}
