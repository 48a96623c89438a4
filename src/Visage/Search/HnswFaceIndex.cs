using Cloud.Unum.USearch;
using Visage.Recognition;

namespace Visage.Search;

/// <summary>
/// Faces in an HNSW graph (USearch, squared Euclidean, keyed by face id) for galleries too large to compare
/// with every face. The graph only proposes: it finds the nearest faces approximately (from its own copy of the
/// encodings, float32 or smaller, see <see cref="HnswScalar"/>), and their identities are ranked by the exact
/// distance (<see cref="FaceDistance.Euclidean"/>) of each face found, computed from the float32 encodings,
/// which an <see cref="ExactFaceIndex"/> holds with the identities. So a distance reported is always a true
/// distance to one of that identity's faces, and it is the identity's distance (its nearest face) whenever the
/// graph found that face among the candidates; an identity whose nearest face was missed can come out farther
/// than it is, or not at all. How often that happens is measured by the benchmark (recall@1 against exact search).
/// </summary>
internal sealed class HnswFaceIndex : IFaceIndex
{
    public const string KindName = "hnsw";

    private readonly ReaderWriterLockSlim _lock = new();
    private readonly SemaphoreSlim _nativeSearches;
    private readonly ExactFaceIndex _faces;
    private readonly USearchIndex _graph;
    private readonly HnswScalar _scalar;
    private readonly float _byteScale;

    public HnswFaceIndex(int dimensions, HnswOptions? options = null)
    {
        if (dimensions <= 0) throw new ArgumentOutOfRangeException(nameof(dimensions));
        Options = options ?? HnswOptions.Default;
        Dimensions = dimensions;
        _scalar = Options.Scalar;
        _graph = new USearchIndex(MetricKind.L2sq, NativeKind(_scalar), (ulong)dimensions,
            (ulong)Options.Connectivity, (ulong)Options.ExpansionAdd, (ulong)Options.ExpansionSearch, false);
        _faces = new ExactFaceIndex(dimensions);
        _byteScale = ByteScale(dimensions);
        _nativeSearches = Configure(_graph, Options);
    }

    private HnswFaceIndex(int dimensions, HnswOptions options, HnswScalar scalar, USearchIndex graph, ExactFaceIndex faces)
    {
        Options = options with { Scalar = scalar };
        Dimensions = dimensions;
        _scalar = scalar;
        _graph = graph;
        _faces = faces;
        _byteScale = ByteScale(dimensions);
        _nativeSearches = Configure(_graph, Options);
    }

    private static ScalarKind NativeKind(HnswScalar scalar) => scalar switch
    {
        HnswScalar.Float32 => ScalarKind.Float32,
        HnswScalar.Float16 => ScalarKind.Float16,
        HnswScalar.Int8 => ScalarKind.Int8,
        _ => throw new ArgumentOutOfRangeException(nameof(scalar)),
    };

    /// <summary>A unit vector's components are about 1/sqrt(d): six of those map to 127.</summary>
    private static float ByteScale(int dimensions) => 127f * MathF.Sqrt(dimensions) / 6f;

    private static SemaphoreSlim Configure(USearchIndex graph, HnswOptions options)
    {
        USearchNative.ChangeThreads(graph, options.Threads);
        USearchNative.ChangeExpansionSearch(graph, (ulong)options.ExpansionSearch);
        return new SemaphoreSlim(options.Threads, options.Threads);
    }

    public HnswOptions Options { get; }
    public string Kind => KindName;
    public int Dimensions { get; }
    public int Count => _faces.Count;
    public int IdentityCount => _faces.IdentityCount;

    /// <summary>The float32 encodings and identities the graph's candidates are ranked by (for exact ground truth).</summary>
    internal ExactFaceIndex Exact => _faces;

    /// <summary>Bytes the graph and its copy of the encodings take in native memory.</summary>
    public long GraphMemoryBytes
    {
        get { _lock.EnterReadLock(); try { return USearchNative.MemoryUsage(_graph); } finally { _lock.ExitReadLock(); } }
    }

    /// <summary>Bytes in all: the graph's native memory and the float32 encodings kept for exact distances.</summary>
    public long NativeMemoryBytes => GraphMemoryBytes + (long)Count * Dimensions * sizeof(float);

    public bool Contains(long faceId) => _faces.Contains(faceId);

    public IReadOnlyDictionary<long, string> FaceIdentities() => _faces.FaceIdentities();

    public void Add(IReadOnlyList<IndexedFace> faces)
    {
        _lock.EnterWriteLock();
        try
        {
            foreach (var face in faces)
                if (face.Id < 0) throw new ArgumentException($"face {face.Id}: ids of an HNSW index are not negative");
            _faces.Add(faces); // validates the whole batch before anything is added
            try
            {
                var needed = (ulong)_faces.Count;
                var capacity = _graph.Capacity();
                if (needed > capacity)
                    USearchNative.Reserve(_graph, Math.Max(needed, capacity + capacity / 2));
                if (faces.Count >= 256 && Options.Threads > 1)
                {
                    Parallel.For(0, faces.Count, new ParallelOptions { MaxDegreeOfParallelism = Options.Threads },
                        i => AddToGraph(faces[i]));
                    RelinkUnreachable(faces);
                }
                else
                    foreach (var face in faces)
                        AddToGraph(face);
            }
            catch
            {
                // All or nothing: what reached the graph leaves it again.
                foreach (var face in faces)
                    if (_graph.Contains((ulong)face.Id)) _graph.Remove((ulong)face.Id);
                _faces.Remove(faces.Select(f => f.Id).ToList());
                throw;
            }
        }
        finally { _lock.ExitWriteLock(); }
    }

    /// <summary>Faces inserted again because the graph could not reach them after a parallel add (see below).</summary>
    public int Relinked { get; private set; }

    /// <summary>
    /// Faces inserted side by side can come out of the graph unreachable: after USearch's concurrent inserts on two
    /// threads, 0 to 6 of 25,000 faces were found by no search, not even with their own encoding (so every photo
    /// of that person missed them), where one thread left none (bench/Visage.IndexBench --self-check). So each face
    /// of a parallel add is searched with its own encoding (few candidates: a reachable face is found at once), and
    /// one not found is taken out and inserted again on its own.
    /// </summary>
    private void RelinkUnreachable(IReadOnlyList<IndexedFace> faces)
    {
        var started = System.Diagnostics.Stopwatch.GetTimestamp();
        // First with few candidates (quick, and most faces are found so), then the doubtful ones as a search would
        // look for them: only a face that even the configured search cannot find is inserted again.
        var doubtful = NotFindingThemselves(faces, RelinkCheckExpansion);
        var lost = doubtful.Count == 0 ? doubtful : NotFindingThemselves(doubtful, (ulong)Options.ExpansionSearch);
        foreach (var face in lost)
        {
            _graph.Remove((ulong)face.Id);
            AddToGraph(face);
        }
        Relinked += lost.Count;
        RelinkCheckTime += System.Diagnostics.Stopwatch.GetElapsedTime(started);
    }

    /// <summary>Time spent checking parallel adds and inserting unreachable faces again.</summary>
    public TimeSpan RelinkCheckTime { get; private set; }

    private const ulong RelinkCheckExpansion = 32;

    private List<IndexedFace> NotFindingThemselves(IReadOnlyList<IndexedFace> faces, ulong expansion)
    {
        USearchNative.ChangeExpansionSearch(_graph, expansion);
        try
        {
            var lost = new System.Collections.Concurrent.ConcurrentBag<IndexedFace>();
            Parallel.For(0, faces.Count, new ParallelOptions { MaxDegreeOfParallelism = Options.Threads }, i =>
            {
                if (!FindsItself(faces[i])) lost.Add(faces[i]);
            });
            return lost.OrderBy(f => f.Id).ToList();
        }
        finally { USearchNative.ChangeExpansionSearch(_graph, (ulong)Options.ExpansionSearch); }
    }

    private bool FindsItself(IndexedFace face)
    {
        const int nearest = 4;
        ulong[] keys;
        var found = _scalar == HnswScalar.Int8
            ? _graph.Search(ToBytes(face.Embedding), nearest, out keys, out _)
            : _graph.Search(face.Embedding, nearest, out keys, out _);
        return keys.AsSpan(0, found).Contains((ulong)face.Id);
    }

    private void AddToGraph(IndexedFace face)
    {
        if (_scalar == HnswScalar.Int8) _graph.Add((ulong)face.Id, ToBytes(face.Embedding));
        else _graph.Add((ulong)face.Id, face.Embedding);
    }

    private sbyte[] ToBytes(ReadOnlySpan<float> encoding)
    {
        var norm = System.Numerics.Tensors.TensorPrimitives.Norm(encoding);
        var scale = norm > 0 ? _byteScale / norm : 0;
        var bytes = new sbyte[encoding.Length];
        for (var i = 0; i < encoding.Length; i++)
            bytes[i] = (sbyte)Math.Clamp(MathF.Round(encoding[i] * scale), -127f, 127f);
        return bytes;
    }

    public int Remove(IReadOnlyCollection<long> faceIds)
    {
        _lock.EnterWriteLock();
        try
        {
            var held = faceIds.Where(_faces.Contains).Distinct().ToList();
            foreach (var id in held) _graph.Remove((ulong)id);
            return _faces.Remove(held);
        }
        finally { _lock.ExitWriteLock(); }
    }

    public int RemoveIdentity(string identity)
    {
        _lock.EnterWriteLock();
        try
        {
            var ids = _faces.FaceIdsOf(identity);
            foreach (var id in ids) _graph.Remove((ulong)id);
            return _faces.Remove(ids);
        }
        finally { _lock.ExitWriteLock(); }
    }

    /// <summary>The graph is keyed by face, so a rename or merge changes only who the faces belong to.</summary>
    public void RenameIdentity(string from, string to)
    {
        _lock.EnterWriteLock();
        try { _faces.RenameIdentity(from, to); }
        finally { _lock.ExitWriteLock(); }
    }

    /// <summary>Changes how many candidates a search keeps (ef), for benchmarks that try several on one graph.</summary>
    internal void ChangeExpansionSearch(int expansion)
    {
        _lock.EnterWriteLock();
        try { USearchNative.ChangeExpansionSearch(_graph, (ulong)expansion); }
        finally { _lock.ExitWriteLock(); }
    }

    public IReadOnlyList<IdentityDistance> Search(ReadOnlySpan<float> query, int identities)
    {
        if (query.Length != Dimensions)
            throw new ArgumentException($"encodings of {query.Length} and {Dimensions} numbers cannot be compared");
        if (identities <= 0) return [];
        _lock.EnterReadLock();
        try
        {
            var faces = _faces.Count;
            if (faces == 0) return [];
            identities = Math.Min(identities, _faces.IdentityCount);
            var wanted = (int)Math.Min(faces,
                Math.Max((long)Options.MinCandidates, (long)identities * Options.CandidatesPerIdentity));
            var probe = query.ToArray();
            var bytes = _scalar == HnswScalar.Int8 ? ToBytes(query) : null;
            while (true)
            {
                // Every face wanted: compare with each, as exact search does (a graph need not reach them all).
                if (wanted >= faces) return _faces.Search(query, identities);
                var candidates = Candidates(probe, bytes, wanted);
                var ranked = _faces.SearchAmong(query, candidates, identities, out var found);
                // Too few identities among the faces found: look further.
                if (found >= identities) return ranked;
                wanted = (int)Math.Min(faces, wanted * 4L);
            }
        }
        finally { _lock.ExitReadLock(); }
    }

    private ReadOnlySpan<ulong> Candidates(float[] probe, sbyte[]? bytes, int wanted)
    {
        _nativeSearches.Wait();
        try
        {
            ulong[] keys;
            var found = bytes is null
                ? _graph.Search(probe, wanted, out keys, out _)
                : _graph.Search(bytes, wanted, out keys, out _);
            return keys.AsSpan(0, found);
        }
        finally { _nativeSearches.Release(); }
    }

    /// <summary>Saves the graph to <paramref name="graphPath"/> and writes the graph's kind, then the faces.</summary>
    internal void Write(BinaryWriter writer, string graphPath)
    {
        _lock.EnterReadLock();
        try
        {
            _graph.Save(graphPath);
            writer.Write((int)_scalar);
            _faces.Write(writer);
        }
        finally { _lock.ExitReadLock(); }
    }

    internal static HnswFaceIndex Read(BinaryReader reader, string graphPath, int dimensions, HnswOptions options)
    {
        var scalar = (HnswScalar)reader.ReadInt32();
        if (!Enum.IsDefined(scalar)) throw new InvalidDataException($"graph scalar kind {(int)scalar}");
        var faces = ExactFaceIndex.Read(reader, dimensions);
        USearchIndex? graph = null;
        try
        {
            graph = new USearchIndex(graphPath);
            if (graph.Dimensions() != (ulong)dimensions || graph.Size() != (ulong)faces.Count)
                throw new InvalidDataException(
                    $"graph of {graph.Size()} faces of {graph.Dimensions()} numbers, {faces.Count} of {dimensions} expected");
            return new HnswFaceIndex(dimensions, options, scalar, graph, faces);
        }
        catch
        {
            graph?.Dispose();
            faces.Dispose();
            throw;
        }
    }

    public void Dispose()
    {
        _graph.Dispose();
        _faces.Dispose();
        _nativeSearches.Dispose();
        _lock.Dispose();
    }
}
