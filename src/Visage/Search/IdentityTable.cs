namespace Visage.Search;

/// <summary>
/// Identity names as small integers (slots), so an index stores one int per face, with each identity's face
/// count; a slot is freed when its last face goes. Not thread-safe: the owning index locks.
/// </summary>
internal sealed class IdentityTable
{
    private readonly Dictionary<string, int> _slotOf = new(StringComparer.Ordinal);
    private readonly List<string?> _names = [];
    private readonly List<int> _faceCounts = [];
    private readonly Stack<int> _free = new();

    /// <summary>One more than the largest slot in use: the length a per-slot array needs.</summary>
    public int Capacity => _names.Count;

    /// <summary>Identities with at least one face.</summary>
    public int Count => _slotOf.Count;

    public string? NameOf(int slot) => _names[slot];

    public int FacesOf(int slot) => _faceCounts[slot];

    public bool TryGetSlot(string identity, out int slot) => _slotOf.TryGetValue(identity, out slot);

    /// <summary>The identity's slot, created when it has none, with one more face counted.</summary>
    public int AddFace(string identity)
    {
        if (!_slotOf.TryGetValue(identity, out var slot))
        {
            if (_free.TryPop(out slot))
            {
                _names[slot] = identity;
                _faceCounts[slot] = 0;
            }
            else
            {
                slot = _names.Count;
                _names.Add(identity);
                _faceCounts.Add(0);
            }
            _slotOf[identity] = slot;
        }
        _faceCounts[slot]++;
        return slot;
    }

    /// <summary>One face fewer for the slot; the slot is freed with its last face.</summary>
    public void RemoveFace(int slot)
    {
        if (--_faceCounts[slot] > 0) return;
        _slotOf.Remove(_names[slot]!);
        _names[slot] = null;
        _free.Push(slot);
    }

    /// <summary>
    /// Renames the identity in <paramref name="from"/>'s slot. When <paramref name="to"/> already has a slot,
    /// nothing is renamed and that slot is returned: the caller moves the faces, then frees the old slot.
    /// </summary>
    public int Rename(int from, string to)
    {
        if (_slotOf.TryGetValue(to, out var existing)) return existing;
        _slotOf.Remove(_names[from]!);
        _names[from] = to;
        _slotOf[to] = from;
        return from;
    }

    /// <summary>Moves <paramref name="faces"/> face counts from one slot to another, freeing the emptied one.</summary>
    public void MoveFaces(int from, int to, int faces)
    {
        _faceCounts[to] += faces;
        _faceCounts[from] -= faces;
        if (_faceCounts[from] == 0)
        {
            _slotOf.Remove(_names[from]!);
            _names[from] = null;
            _free.Push(from);
        }
    }

    public void Write(BinaryWriter writer)
    {
        writer.Write(_names.Count);
        for (var slot = 0; slot < _names.Count; slot++)
        {
            writer.Write(_names[slot] is not null);
            if (_names[slot] is { } name) writer.Write(name);
        }
    }

    /// <summary>Reads the names written by <see cref="Write"/>; face counts are added as faces are read back.</summary>
    public static IdentityTable Read(BinaryReader reader)
    {
        var table = new IdentityTable();
        var count = reader.ReadInt32();
        if (count < 0) throw new InvalidDataException($"identity count {count}");
        for (var slot = 0; slot < count; slot++)
        {
            var name = reader.ReadBoolean() ? reader.ReadString() : null;
            table._names.Add(name);
            table._faceCounts.Add(0);
            if (name is not null) table._slotOf.Add(name, slot);
        }
        return table;
    }

    /// <summary>After <see cref="Read"/>: counts one face for a slot read back.</summary>
    public void CountFace(int slot)
    {
        if ((uint)slot >= (uint)_names.Count || _names[slot] is null)
            throw new InvalidDataException($"face of identity slot {slot}, which holds no identity");
        _faceCounts[slot]++;
    }

    /// <summary>After reading every face back: frees the slots that turned out to have none.</summary>
    public void FreeEmptySlots()
    {
        for (var slot = 0; slot < _names.Count; slot++)
        {
            if (_faceCounts[slot] > 0) continue;
            if (_names[slot] is { } name) _slotOf.Remove(name);
            _names[slot] = null;
            _free.Push(slot);
        }
    }
}
