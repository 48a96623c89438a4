using System.Numerics.Tensors;
using Visage.Recognition;

namespace Visage.Search;

/// <summary>
/// Every face compared with the query: the encodings in one contiguous float32 matrix (a row per face),
/// distances by <see cref="TensorPrimitives.Distance(ReadOnlySpan{float}, ReadOnlySpan{float})"/>, the same
/// call <see cref="FaceDistance.Euclidean"/> makes, so the answers are <see cref="FaceMatcher"/>'s to the bit.
/// Removal moves the last row into the hole, so the matrix stays dense.
/// </summary>
internal sealed class ExactFaceIndex : IFaceIndex
{
    public const string KindName = "exact";

    private readonly ReaderWriterLockSlim _lock = new();
    private readonly Dictionary<long, int> _rowOf = new();
    private readonly IdentityTable _identities;
    private float[] _matrix;
    private long[] _ids;
    private int[] _slots;
    private int _count;

    public ExactFaceIndex(int dimensions, int capacity = 0)
        : this(dimensions, new IdentityTable(), capacity)
    {
    }

    private ExactFaceIndex(int dimensions, IdentityTable identities, int capacity)
    {
        if (dimensions <= 0) throw new ArgumentOutOfRangeException(nameof(dimensions));
        Dimensions = dimensions;
        _identities = identities;
        capacity = Math.Max(capacity, 16);
        _matrix = new float[(long)capacity * dimensions];
        _ids = new long[capacity];
        _slots = new int[capacity];
    }

    public string Kind => KindName;
    public int Dimensions { get; }

    public int Count
    {
        get { _lock.EnterReadLock(); try { return _count; } finally { _lock.ExitReadLock(); } }
    }

    public int IdentityCount
    {
        get { _lock.EnterReadLock(); try { return _identities.Count; } finally { _lock.ExitReadLock(); } }
    }

    public bool Contains(long faceId)
    {
        _lock.EnterReadLock();
        try { return _rowOf.ContainsKey(faceId); }
        finally { _lock.ExitReadLock(); }
    }

    public void Add(IReadOnlyList<IndexedFace> faces)
    {
        _lock.EnterWriteLock();
        try
        {
            FaceBatch.Validate(faces, Dimensions, _rowOf.ContainsKey);
            EnsureCapacity(_count + faces.Count);
            foreach (var face in faces)
            {
                var row = _count++;
                face.Embedding.CopyTo(RowSpan(row));
                _ids[row] = face.Id;
                _slots[row] = _identities.AddFace(face.Identity);
                _rowOf[face.Id] = row;
            }
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
                if (_rowOf.TryGetValue(id, out var row))
                {
                    RemoveRow(row);
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
            var removed = 0;
            // Backwards, so the row moved into a hole has been looked at already.
            for (var row = _count - 1; row >= 0; row--)
                if (_slots[row] == slot)
                {
                    RemoveRow(row);
                    removed++;
                }
            return removed;
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
            var moved = 0;
            for (var row = 0; row < _count; row++)
                if (_slots[row] == slot)
                {
                    _slots[row] = target;
                    moved++;
                }
            _identities.MoveFaces(slot, target, moved);
        }
        finally { _lock.ExitWriteLock(); }
    }

    public IReadOnlyList<IdentityDistance> Search(ReadOnlySpan<float> query, int identities)
    {
        if (query.Length != Dimensions)
            throw new ArgumentException($"encodings of {query.Length} and {Dimensions} numbers cannot be compared");
        _lock.EnterReadLock();
        try
        {
            var nearest = new float[_identities.Capacity];
            nearest.AsSpan().Fill(float.PositiveInfinity);
            var matrix = _matrix.AsSpan(0, _count * Dimensions);
            var slots = _slots;
            for (var row = 0; row < _count; row++)
            {
                var distance = TensorPrimitives.Distance(query, matrix.Slice(row * Dimensions, Dimensions));
                ref var best = ref nearest[slots[row]];
                if (distance < best) best = distance;
            }
            return identities >= _identities.Count
                ? IdentityRanking.Top(Ranked(nearest).ToList(), identities)
                : IdentityRanking.Top(Ranked(nearest), identities);
        }
        finally { _lock.ExitReadLock(); }
    }

    /// <summary>
    /// The nearest identity for each of many queries at once (what <see cref="Search"/> with one identity
    /// answers for each), reading the matrix once in blocks that stay in cache while every query is compared
    /// with them; queries are shared among <paramref name="threads"/> threads. For many probes at a time.
    /// </summary>
    public IReadOnlyList<IdentityDistance?> NearestOfEach(IReadOnlyList<float[]> queries, int threads = 1)
    {
        foreach (var query in queries)
            if (query.Length != Dimensions)
                throw new ArgumentException($"encodings of {query.Length} and {Dimensions} numbers cannot be compared");
        _lock.EnterReadLock();
        try
        {
            var bestDistance = new float[queries.Count];
            var bestSlot = new int[queries.Count];
            bestDistance.AsSpan().Fill(float.PositiveInfinity);
            bestSlot.AsSpan().Fill(-1);
            var blockRows = Math.Max(1, (1 << 20) / (Dimensions * sizeof(float)));
            for (var start = 0; start < _count; start += blockRows)
            {
                var end = Math.Min(_count, start + blockRows);
                Parallel.For(0, queries.Count, new ParallelOptions { MaxDegreeOfParallelism = Math.Max(1, threads) }, q =>
                {
                    var matrix = _matrix.AsSpan();
                    for (var row = start; row < end; row++)
                    {
                        var distance = TensorPrimitives.Distance(queries[q], matrix.Slice(row * Dimensions, Dimensions));
                        if (distance < bestDistance[q]
                            || (distance == bestDistance[q] && string.CompareOrdinal(
                                _identities.NameOf(_slots[row]), _identities.NameOf(bestSlot[q])) < 0))
                        {
                            bestDistance[q] = distance;
                            bestSlot[q] = _slots[row];
                        }
                    }
                });
            }
            return bestSlot.Select((slot, q) => slot < 0
                ? null
                : new IdentityDistance(_identities.NameOf(slot)!, bestDistance[q])).ToList();
        }
        finally { _lock.ExitReadLock(); }
    }

    public IReadOnlyDictionary<long, string> FaceIdentities()
    {
        _lock.EnterReadLock();
        try
        {
            var faces = new Dictionary<long, string>(_count);
            for (var row = 0; row < _count; row++) faces[_ids[row]] = _identities.NameOf(_slots[row])!;
            return faces;
        }
        finally { _lock.ExitReadLock(); }
    }

    /// <summary>The ids of the identity's faces (none when it has none).</summary>
    internal List<long> FaceIdsOf(string identity)
    {
        _lock.EnterReadLock();
        try
        {
            var ids = new List<long>();
            if (!_identities.TryGetSlot(identity, out var slot)) return ids;
            for (var row = 0; row < _count; row++)
                if (_slots[row] == slot) ids.Add(_ids[row]);
            return ids;
        }
        finally { _lock.ExitReadLock(); }
    }

    /// <summary>
    /// The nearest <paramref name="identities"/> identities among the faces <paramref name="faceIds"/> (ids not
    /// held are skipped), each at the exact distance of its nearest face among them, ranked as
    /// <see cref="Search"/> ranks; <paramref name="found"/> says how many identities those faces hold.
    /// What an approximate index's candidates are re-ranked by.
    /// </summary>
    internal IReadOnlyList<IdentityDistance> SearchAmong(ReadOnlySpan<float> query, ReadOnlySpan<ulong> faceIds,
        int identities, out int found)
    {
        _lock.EnterReadLock();
        try
        {
            var nearest = new Dictionary<int, float>(faceIds.Length);
            foreach (var key in faceIds)
            {
                if (!_rowOf.TryGetValue((long)key, out var row)) continue;
                var distance = TensorPrimitives.Distance(query, RowSpan(row));
                var slot = _slots[row];
                if (!nearest.TryGetValue(slot, out var best) || distance < best) nearest[slot] = distance;
            }
            found = nearest.Count;
            return IdentityRanking.Top(
                nearest.Select(kv => new IdentityDistance(_identities.NameOf(kv.Key)!, kv.Value)).ToList(), identities);
        }
        finally { _lock.ExitReadLock(); }
    }

    /// <summary>Every face held, with a copy of its encoding (to move them into another index).</summary>
    internal List<IndexedFace> Faces()
    {
        _lock.EnterReadLock();
        try
        {
            var faces = new List<IndexedFace>(_count);
            for (var row = 0; row < _count; row++)
                faces.Add(new IndexedFace(_ids[row], _identities.NameOf(_slots[row])!, RowSpan(row).ToArray()));
            return faces;
        }
        finally { _lock.ExitReadLock(); }
    }

    private IEnumerable<IdentityDistance> Ranked(float[] nearest)
    {
        for (var slot = 0; slot < nearest.Length; slot++)
            if (_identities.NameOf(slot) is { } name && _identities.FacesOf(slot) > 0)
                yield return new IdentityDistance(name, nearest[slot]);
    }

    private Span<float> RowSpan(int row) => _matrix.AsSpan(row * Dimensions, Dimensions);

    private void RemoveRow(int row)
    {
        _identities.RemoveFace(_slots[row]);
        _rowOf.Remove(_ids[row]);
        var last = --_count;
        if (row != last)
        {
            RowSpan(last).CopyTo(RowSpan(row));
            _ids[row] = _ids[last];
            _slots[row] = _slots[last];
            _rowOf[_ids[row]] = row;
        }
    }

    private void EnsureCapacity(int needed)
    {
        if (needed <= _ids.Length) return;
        var capacity = (int)Math.Min(Math.Max(needed, _ids.Length * 3L / 2), Array.MaxLength / Dimensions);
        if (capacity < needed)
            throw new InvalidOperationException($"{needed} faces of {Dimensions} numbers do not fit in one exact index");
        Array.Resize(ref _matrix, capacity * Dimensions);
        Array.Resize(ref _ids, capacity);
        Array.Resize(ref _slots, capacity);
    }

    /// <summary>Writes the faces: identities, then each face's id and identity slot, then the matrix.</summary>
    internal void Write(BinaryWriter writer)
    {
        _lock.EnterReadLock();
        try
        {
            _identities.Write(writer);
            writer.Write(_count);
            for (var row = 0; row < _count; row++)
            {
                writer.Write(_ids[row]);
                writer.Write(_slots[row]);
            }
            writer.Flush();
            writer.BaseStream.Write(System.Runtime.InteropServices.MemoryMarshal.AsBytes(
                _matrix.AsSpan(0, _count * Dimensions)));
        }
        finally { _lock.ExitReadLock(); }
    }

    internal static ExactFaceIndex Read(BinaryReader reader, int dimensions)
    {
        var identities = IdentityTable.Read(reader);
        var count = reader.ReadInt32();
        if (count < 0) throw new InvalidDataException($"face count {count}");
        var index = new ExactFaceIndex(dimensions, identities, count);
        for (var row = 0; row < count; row++)
        {
            var id = reader.ReadInt64();
            var slot = reader.ReadInt32();
            identities.CountFace(slot);
            if (!index._rowOf.TryAdd(id, row)) throw new InvalidDataException($"face {id} twice");
            index._ids[row] = id;
            index._slots[row] = slot;
        }
        identities.FreeEmptySlots();
        reader.BaseStream.ReadExactly(System.Runtime.InteropServices.MemoryMarshal.AsBytes(
            index._matrix.AsSpan(0, count * dimensions)));
        index._count = count;
        return index;
    }

    public void Dispose() => _lock.Dispose();
}
