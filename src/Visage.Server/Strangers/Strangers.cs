using System.Numerics.Tensors;
using System.Threading.Channels;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Visage.Imaging;
using Visage.Recognition;

namespace Visage.Server.Strangers;

/// <summary>
/// The unknown faces the service has seen, grouped into people as they arrive so a person is named once.
/// Whatever sees faces (recognize, live frames, cameras) reports each unknown one: <see cref="Post"/> queues it
/// for a background loop, <see cref="ReportAsync"/> stores it at once. The new face joins the group most of its clustered neighbours are in
/// (<see cref="IncrementalFaceGrouping"/>, average linkage at 0.9 x the threshold), or starts a group with the
/// ungrouped faces it clusters with, or stands alone. Groups, once made, only change when someone names,
/// merges, splits or deletes them, and the last such changes can be undone. Kept in the data folder, bounded by
/// <see cref="StrangerOptions"/>. Safe to share between threads (one change at a time).
/// </summary>
public sealed class Strangers : IDisposable
{
    private readonly StrangerStore _store;
    private readonly People _people;
    private readonly SemaphoreSlim _gate = new(1, 1);
    private readonly Dictionary<long, StrangerStore.FaceRow> _faces = [];
    private readonly Dictionary<long, StrangerStore.GroupRow> _groups = [];
    private readonly HashSet<string> _keys = new(StringComparer.Ordinal);
    private IncrementalFaceGrouping? _grouping;
    private readonly List<long> _groupingFaces = [];
    // Sightings posted from request paths, stored by one background loop; a TaskCompletionSource marks a flush.
    private readonly Channel<object> _posted = Channel.CreateBounded<object>(new BoundedChannelOptions(1024)
    {
        SingleReader = true,
        FullMode = BoundedChannelFullMode.Wait,
    });
    private readonly Task _storing;
    private long _dropped;
    private long _failed;

    private Strangers(StrangerStore store, People people, StrangerOptions options)
    {
        _store = store;
        _people = people;
        Options = options;
        Reload();
        _storing = Task.Run(StorePostedAsync);
    }

    /// <summary>Sightings posted but not kept because the queue was full, or because storing them failed.</summary>
    public (long Dropped, long Failed) Lost => (Interlocked.Read(ref _dropped), Interlocked.Read(ref _failed));

    public StrangerOptions Options { get; }

    /// <summary>The strangers' file.</summary>
    public string Path => _store.Path;

    /// <summary>Faces stored now.</summary>
    public int FaceCount
    {
        get
        {
            _gate.Wait();
            try { return _faces.Count; }
            finally { _gate.Release(); }
        }
    }

    /// <summary>Opens (creating) the strangers' file of <paramref name="people"/>'s pipeline in the data folder.</summary>
    public static Strangers Open(string dataFolder, People people, StrangerOptions? options = null)
    {
        options ??= new StrangerOptions();
        if (options.MaxFaces < 1 || options.MaxFacesPerGroup < 1 || options.UndoDepth < 0 || options.Retention <= TimeSpan.Zero)
            throw new VisageException("strangers: the face caps must be at least 1, the retention positive, the undo depth not negative");
        var store = StrangerStore.Open(dataFolder, people.Recognizer.Fingerprint.Id);
        try
        {
            return new Strangers(store, people, options);
        }
        catch
        {
            store.Dispose();
            throw;
        }
    }

    /// <summary>
    /// Reports one unknown face. It is stored and grouped, or only counted when its group is full, or ignored
    /// when its key was reported before or keeping strangers is off.
    /// </summary>
    public async Task<SightingReport> ReportAsync(StrangerSighting sighting, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(sighting);
        if (!Options.Enabled) return new SightingReport(SightingOutcome.Off, null, null);
        if (sighting.Encoding.Length != _people.Recognizer.Dimensions)
            throw new VisageException($"{sighting.Source}: the encoding has {sighting.Encoding.Length} numbers, the service's model makes {_people.Recognizer.Dimensions}");
        if (sighting.Crop is not { Length: > 0 })
            throw new VisageException($"{sighting.Source}: a stranger's face needs its crop (a JPEG)");
        var source = Label(sighting.Source);
        var key = sighting.Key ?? Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16));
        await _gate.WaitAsync(ct);
        try
        {
            if (_keys.Contains(key)) return new SightingReport(SightingOutcome.Duplicate, null, null);
            ForgetExpired(DateTimeOffset.UtcNow);
            var grouping = Grouping();

            // A face close to a full group's face only counts: a stranger who stays in front of a camera
            // does not fill the store.
            if (Nearest(sighting.Encoding) is { Distance: var d, Face: var near } && d <= grouping.Distance &&
                near.Group is { } nearGroup && GroupSize(nearGroup) >= Options.MaxFacesPerGroup)
            {
                _store.CountSighting(null, nearGroup, 1, sighting.SeenAt);
                var row = _groups[nearGroup];
                _groups[nearGroup] = row with { Sightings = row.Sightings + 1, LastSeenAt = Max(row.LastSeenAt, sighting.SeenAt) };
                _keys.Add(key);
                return new SightingReport(SightingOutcome.Counted, null, nearGroup);
            }

            try
            {
                return Store(grouping, sighting, source, key);
            }
            catch
            {
                _grouping = null;
                throw;
            }
        }
        finally
        {
            _gate.Release();
        }
    }

    private SightingReport Store(IncrementalFaceGrouping grouping, StrangerSighting sighting, string source, string key)
    {
        var index = grouping.Add(sighting.Encoding);
        _groupingFaces.Add(0);
        var together = grouping.GroupOf(index).Where(i => i != index).Select(i => _faces[_groupingFaces[i]]).ToList();
        long? group = together.Where(f => f.Group is not null)
            .GroupBy(f => f.Group!.Value)
            .OrderByDescending(g => g.Count()).ThenBy(g => g.Key)
            .Select(g => (long?)g.Key).FirstOrDefault();
        var joining = together.Where(f => f.Group is null).ToList();

        using var transaction = _store.Begin();
        if (group is null && together.Count > 0)
        {
            var first = joining.Select(f => f.SeenAt).Append(sighting.SeenAt).Min();
            group = _store.InsertGroup(transaction, first, 0, first);
        }
        var id = _store.InsertFace(transaction, group, sighting.Encoding, sighting.Crop, source, sighting.SeenAt, key);
        if (group is { } g)
        {
            _store.MoveFaces(transaction, joining.Select(f => f.Id), g);
            _store.CountSighting(transaction, g, joining.Count + 1, joining.Select(f => f.SeenAt).Append(sighting.SeenAt).Max());
        }
        transaction.Commit();

        _groupingFaces[index] = id;
        _faces[id] = new StrangerStore.FaceRow(id, group, sighting.Encoding, source, sighting.SeenAt, key);
        _keys.Add(key);
        if (group is { } joined)
        {
            foreach (var face in joining) _faces[face.Id] = face with { Group = joined };
            _groups[joined] = _store.Groups().First(r => r.Id == joined);
        }
        if (_faces.Count > Options.MaxFaces) ForgetOldest();
        return new SightingReport(SightingOutcome.Stored, id, group);
    }

    /// <summary>
    /// Reports every unknown face of a decoded photo or frame (those <paramref name="identified"/> left without a
    /// person), cropped from it; the photo's SHA-256 and the box key each face, so the same photo sent twice
    /// is kept once.
    /// </summary>
    public async Task<IReadOnlyList<SightingReport>> ReportUnknownAsync(FaceImage image, IReadOnlyList<Identification> identified,
        string source, DateTimeOffset seenAt, CancellationToken ct = default)
    {
        if (!Options.Enabled) return [];
        var reports = new List<SightingReport>();
        foreach (var sighting in Unknown(image, identified, source, seenAt).ToList())
            reports.Add(await ReportAsync(sighting, ct));
        return reports;
    }

    /// <summary>
    /// Queues a sighting to be stored in the background, so that whoever saw it does not wait (a recognize
    /// request, a camera's frame loop); false when keeping strangers is off or the queue is full (1024 waiting:
    /// it is dropped and counted in <see cref="Lost"/>). Reads and changes take every sighting posted before them
    /// into account.
    /// </summary>
    public bool Post(StrangerSighting sighting)
    {
        ArgumentNullException.ThrowIfNull(sighting);
        if (!Options.Enabled) return false;
        if (_posted.Writer.TryWrite(sighting)) return true;
        Interlocked.Increment(ref _dropped);
        return false;
    }

    /// <summary>
    /// Crops every unknown face of a decoded photo or frame and posts it (see <see cref="Post"/>), keyed by the
    /// photo's SHA-256 and the box as <see cref="ReportUnknownAsync"/> does. Returns how many were queued.
    /// </summary>
    public int PostUnknown(FaceImage image, IReadOnlyList<Identification> identified, string source, DateTimeOffset seenAt) =>
        Options.Enabled ? Unknown(image, identified, source, seenAt).Count(Post) : 0;

    private IEnumerable<StrangerSighting> Unknown(FaceImage image, IReadOnlyList<Identification> identified, string source,
        DateTimeOffset seenAt)
    {
        // A face that failed the liveness check is likely a photo held up (perhaps of someone known): not a stranger.
        foreach (var who in identified.Where(i => !i.IsKnown && i.Face.Liveness is not { IsLive: false }))
        {
            var box = who.Face.Box;
            var key = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(FormattableString.Invariant(
                $"{image.Sha256}:{box.X:0.0},{box.Y:0.0},{box.Width:0.0},{box.Height:0.0}"))));
            yield return new StrangerSighting(who.Face.Embedding, _people.Recognizer.CropFace(image, box), source, seenAt, key);
        }
    }

    /// <summary>Waits until every sighting posted so far is stored.</summary>
    public async Task FlushAsync(CancellationToken ct = default)
    {
        var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        if (!_posted.Writer.TryWrite(done))
        {
            try
            {
                await _posted.Writer.WriteAsync(done, ct);
            }
            catch (ChannelClosedException)
            {
                return;
            }
        }
        await done.Task.WaitAsync(ct);
    }

    private async Task StorePostedAsync()
    {
        await foreach (var item in _posted.Reader.ReadAllAsync())
        {
            if (item is TaskCompletionSource flush)
            {
                flush.TrySetResult();
                continue;
            }
            try
            {
                await ReportAsync((StrangerSighting)item);
            }
            catch (Exception)
            {
                // A sighting that cannot be stored (a full disk, a bad encoding) must not stop the ones after it.
                Interlocked.Increment(ref _failed);
            }
        }
    }

    /// <summary>Every group, biggest first (then the most recently seen), and how many faces stand alone.</summary>
    public async Task<StrangerGroups> ListAsync(CancellationToken ct = default)
    {
        await FlushAsync(ct);
        await _gate.WaitAsync(ct);
        try
        {
            ForgetExpired(DateTimeOffset.UtcNow);
            var groups = _groups.Keys.Select(GroupOf)
                .OrderByDescending(g => g.Faces.Count).ThenByDescending(g => g.LastSeenAt).ThenBy(g => g.Cluster)
                .ToList();
            return new StrangerGroups(groups, _faces.Values.Count(f => f.Group is null), _faces.Count,
                DistanceNow(), _store.PeekUndo()?.Change);
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>One group; a <see cref="StrangerException"/> when there is none with that id.</summary>
    public async Task<StrangerGroup> GetAsync(long cluster, CancellationToken ct = default)
    {
        await FlushAsync(ct);
        await _gate.WaitAsync(ct);
        try
        {
            return GroupOf(Known(cluster, "cluster"));
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>The JPEG crop of a stored face, or null.</summary>
    public async Task<byte[]?> GetCropAsync(long faceId, CancellationToken ct = default)
    {
        await _gate.WaitAsync(ct);
        try
        {
            return _faces.ContainsKey(faceId) ? _store.Crop(faceId) : null;
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>
    /// Enrolls exactly the group's faces as <paramref name="person"/> (new, or enrolled already) through the
    /// facade, in one transaction of the gallery, then removes the group. Undo takes those faces back out.
    /// </summary>
    public async Task<NamedGroup> NameAsync(long cluster, string person, CancellationToken ct = default)
    {
        await FlushAsync(ct);
        var name = PersonName.Normalize(person);
        await _gate.WaitAsync(ct);
        try
        {
            var group = GroupOf(Known(cluster, "cluster"));
            var existed = (await _people.ListAsync(ct)).Any(p => p.Name == name);
            var faces = _faces.Values.Where(f => f.Group == cluster).OrderBy(f => f.Id).ToList();
            // Each face's label in the gallery names its stranger face, so the outcomes map back one to one.
            var labels = faces.ToDictionary(f => $"stranger face {f.Id}, {f.Source}", StringComparer.Ordinal);
            var toEnroll = labels.Select(l => new FaceToEnroll(l.Value.Embedding, l.Key, GalleryKey(l.Value.Key),
                _store.Crop(l.Value.Id))).ToList();
            var report = await _people.EnrollFacesAsync(name, toEnroll, ct);
            var enrolled = report.Outcomes.Where(o => o.Status == EnrollmentStatus.Enrolled)
                .Select(o => (Outcome: o, Face: labels[o.Source.Path]))
                .Select(e => new UndoFace(e.Outcome.FaceId!.Value, e.Face.Source, e.Face.SeenAt, e.Face.Key))
                .ToList();
            using (var transaction = _store.Begin())
            {
                _store.DeleteGroup(transaction, cluster);
                _store.PushUndo(transaction, "named", JsonSerializer.Serialize(new UndoName(cluster, group.FirstSeenAt,
                    group.Sightings, group.LastSeenAt, name, !existed, enrolled)), Options.UndoDepth);
                transaction.Commit();
            }
            _store.Vacuum();
            Reload();
            return new NamedGroup(cluster, name, !existed, enrolled.Select(e => e.GalleryFaceId).ToList(), report.AlreadyEnrolled);
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>Moves every face of <paramref name="cluster"/> into <paramref name="into"/>; returns the merged group.</summary>
    public async Task<StrangerGroup> MergeAsync(long cluster, long into, CancellationToken ct = default)
    {
        await FlushAsync(ct);
        await _gate.WaitAsync(ct);
        try
        {
            var from = Known(cluster, "cluster");
            Known(into, "into");
            if (from == into)
                throw new StrangerException(StrangerProblem.Invalid, "into", $"into: cluster {into} cannot be merged into itself");
            var moved = _faces.Values.Where(f => f.Group == from).Select(f => f.Id).Order().ToList();
            var row = _groups[from];
            using (var transaction = _store.Begin())
            {
                _store.MoveFaces(transaction, moved, into);
                _store.CountSighting(transaction, into, row.Sightings, row.LastSeenAt);
                _store.DeleteGroup(transaction, from);
                _store.PushUndo(transaction, "merged", JsonSerializer.Serialize(new UndoMerge(from, into, moved,
                    row.CreatedAt, row.Sightings, row.LastSeenAt)), Options.UndoDepth);
                transaction.Commit();
            }
            Reload();
            return GroupOf(into);
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>Takes one face out of its group into a new group of its own; returns the new group.</summary>
    public async Task<StrangerGroup> SplitAsync(long cluster, long faceId, CancellationToken ct = default)
    {
        await FlushAsync(ct);
        await _gate.WaitAsync(ct);
        try
        {
            Known(cluster, "cluster");
            if (!_faces.TryGetValue(faceId, out var face) || face.Group != cluster)
                throw new StrangerException(StrangerProblem.NotFound, "faceId", $"faceId: {faceId} is not a face of cluster {cluster}");
            if (GroupSize(cluster) == 1)
                throw new StrangerException(StrangerProblem.Conflict, "faceId",
                    $"faceId: {faceId} is the only face of cluster {cluster}; there is nothing to split it from");
            long created;
            using (var transaction = _store.Begin())
            {
                created = _store.InsertGroup(transaction, face.SeenAt, 1, face.SeenAt);
                _store.MoveFaces(transaction, [faceId], created);
                _store.PushUndo(transaction, "split", JsonSerializer.Serialize(new UndoSplit(cluster, created, faceId)), Options.UndoDepth);
                transaction.Commit();
            }
            Reload();
            return GroupOf(created);
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>Erases a group: its faces' encodings and crops, gone from the file. Returns how many faces went.</summary>
    public async Task<int> DeleteAsync(long cluster, CancellationToken ct = default)
    {
        await FlushAsync(ct);
        await _gate.WaitAsync(ct);
        try
        {
            Known(cluster, "cluster");
            var count = GroupSize(cluster);
            using (var transaction = _store.Begin())
            {
                _store.DeleteGroup(transaction, cluster);
                transaction.Commit();
            }
            _store.Vacuum();
            Reload();
            return count;
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>
    /// Undoes the newest merge, split or naming still on the list: a merge's faces go back to their group, a
    /// split face back to where it came from, a named group's faces out of the person (the person too, when
    /// naming created them and nothing else was added since) and back into their group.
    /// </summary>
    public async Task<UndoneChange> UndoAsync(CancellationToken ct = default)
    {
        await FlushAsync(ct);
        await _gate.WaitAsync(ct);
        try
        {
            if (_store.PeekUndo() is not { } entry)
                throw new StrangerException(StrangerProblem.Conflict, "undo", "undo: there is no merge, split or naming of strangers to undo");
            var restored = new List<long>();
            string? person = null;
            var removed = 0;
            using (var transaction = _store.Begin())
            {
                switch (entry.Change)
                {
                    case "merged":
                    {
                        var merge = JsonSerializer.Deserialize<UndoMerge>(entry.Data)!;
                        var back = merge.Faces.Where(f => _faces.TryGetValue(f, out var row) && row.Group == merge.Into).ToList();
                        if (back.Count > 0)
                        {
                            _store.InsertGroup(transaction, merge.CreatedAt, merge.Sightings, merge.LastSeenAt, merge.From);
                            _store.MoveFaces(transaction, back, merge.From);
                            _store.CountSighting(transaction, merge.Into, -merge.Sightings, DateTimeOffset.MinValue);
                            restored.Add(merge.From);
                        }
                        if (_groups.ContainsKey(merge.Into)) restored.Add(merge.Into);
                        break;
                    }
                    case "split":
                    {
                        var split = JsonSerializer.Deserialize<UndoSplit>(entry.Data)!;
                        if (_faces.TryGetValue(split.Face, out var row) && row.Group == split.Group)
                        {
                            if (!_groups.ContainsKey(split.From))
                                _store.InsertGroup(transaction, row.SeenAt, 1, row.SeenAt, split.From);
                            _store.MoveFaces(transaction, [split.Face], split.From);
                            _store.DeleteEmptyGroups(transaction);
                            restored.Add(split.From);
                        }
                        break;
                    }
                    case "named":
                    {
                        var named = JsonSerializer.Deserialize<UndoName>(entry.Data)!;
                        person = named.Person;
                        var gallery = _people.Faces().Where(f => f.Identity == named.Person).ToDictionary(f => f.Id);
                        var back = new List<(UndoFace Face, float[] Embedding, byte[] Crop)>();
                        foreach (var face in named.Faces)
                        {
                            if (!gallery.TryGetValue(face.GalleryFaceId, out var enrolled)) continue;
                            var crop = await _people.GetFaceCropAsync(face.GalleryFaceId, ct);
                            if (crop is null || _keys.Contains(face.Key)) continue;
                            back.Add((face, enrolled.Embedding, crop));
                        }
                        if (back.Count > 0)
                        {
                            _store.InsertGroup(transaction, named.CreatedAt, named.Sightings, named.LastSeenAt, named.Cluster);
                            foreach (var (face, embedding, crop) in back)
                                _store.InsertFace(transaction, named.Cluster, embedding, crop, face.Source, face.SeenAt, face.Key);
                            restored.Add(named.Cluster);
                        }
                        // The gallery's faces go only once the strangers' side is sure to be back.
                        _store.DropUndo(transaction, entry.Id);
                        transaction.Commit();
                        foreach (var (face, _, _) in back)
                            if (await _people.DeleteFaceAsync(face.GalleryFaceId, ct)) removed++;
                        if (named.PersonCreated && (await _people.ListAsync(ct)).FirstOrDefault(p => p.Name == named.Person) is { Faces: 0 })
                            await _people.DeleteAsync(named.Person, ct);
                        Reload();
                        return new UndoneChange(entry.Change, restored.Where(_groups.ContainsKey).Select(GroupOf).ToList(), person, removed);
                    }
                }
                _store.DropUndo(transaction, entry.Id);
                transaction.Commit();
            }
            Reload();
            return new UndoneChange(entry.Change, restored.Distinct().Where(_groups.ContainsKey).Select(GroupOf).ToList(), person, removed);
        }
        finally
        {
            _gate.Release();
        }
    }

    private sealed record UndoMerge(long From, long Into, IReadOnlyList<long> Faces, DateTimeOffset CreatedAt, int Sightings,
        DateTimeOffset LastSeenAt);

    private sealed record UndoSplit(long From, long Group, long Face);

    private sealed record UndoName(long Cluster, DateTimeOffset CreatedAt, int Sightings, DateTimeOffset LastSeenAt,
        string Person, bool PersonCreated, IReadOnlyList<UndoFace> Faces);

    private sealed record UndoFace(long GalleryFaceId, string Source, DateTimeOffset SeenAt, string Key);

    private long Known(long cluster, string field) => _groups.ContainsKey(cluster)
        ? cluster
        : throw new StrangerException(StrangerProblem.NotFound, field, $"{field}: no group of strangers has id {cluster}");

    private StrangerGroup GroupOf(long cluster)
    {
        var row = _groups[cluster];
        var faces = _faces.Values.Where(f => f.Group == cluster).OrderBy(f => f.SeenAt).ThenBy(f => f.Id)
            .Select(f => new StrangerFace(f.Id, f.Group, f.Source, f.SeenAt)).ToList();
        return new StrangerGroup(cluster, faces, row.Sightings, row.CreatedAt, row.LastSeenAt);
    }

    private int GroupSize(long cluster) => _faces.Values.Count(f => f.Group == cluster);

    private (StrangerStore.FaceRow Face, float Distance)? Nearest(float[] encoding)
    {
        (StrangerStore.FaceRow, float)? best = null;
        foreach (var face in _faces.Values)
        {
            var d = TensorPrimitives.Distance(face.Embedding, encoding);
            if (best is null || d < best.Value.Item2) best = (face, d);
        }
        return best;
    }

    private float DistanceNow() => _people.Threshold.Value * IncrementalFaceGrouping.DefaultThresholdRatio;

    /// <summary>The grouping of the faces stored now, built again when faces went or the threshold changed.</summary>
    private IncrementalFaceGrouping Grouping()
    {
        if (_grouping is not null && _grouping.Distance == DistanceNow() && _grouping.Count == _faces.Count) return _grouping;
        _grouping = new IncrementalFaceGrouping(DistanceNow());
        _groupingFaces.Clear();
        foreach (var face in _faces.Values.OrderBy(f => f.Id))
        {
            _grouping.Add(face.Embedding);
            _groupingFaces.Add(face.Id);
        }
        return _grouping;
    }

    private void Reload()
    {
        _faces.Clear();
        _keys.Clear();
        foreach (var face in _store.Faces())
        {
            _faces[face.Id] = face;
            _keys.Add(face.Key);
        }
        _groups.Clear();
        foreach (var group in _store.Groups()) _groups[group.Id] = group;
        _grouping = null;
    }

    private void ForgetExpired(DateTimeOffset now)
    {
        var limit = now - Options.Retention;
        var expired = _faces.Values.Where(f => f.SeenAt < limit).Select(f => f.Id).ToList();
        if (expired.Count > 0) Forget(expired);
    }

    private void ForgetOldest()
    {
        var keep = Math.Max(1, Options.MaxFaces * 9 / 10);
        Forget(_faces.Values.OrderBy(f => f.SeenAt).ThenBy(f => f.Id).Take(_faces.Count - keep).Select(f => f.Id).ToList());
    }

    private void Forget(IReadOnlyList<long> faces)
    {
        using (var transaction = _store.Begin())
        {
            _store.DeleteFaces(transaction, faces);
            _store.DeleteEmptyGroups(transaction);
            transaction.Commit();
        }
        Reload();
    }

    private static string GalleryKey(string key) =>
        Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes("stranger:" + key)));

    private static string Label(string source)
    {
        var printable = PersonName.Printable((source ?? "").ReplaceLineEndings(" ").Trim());
        return printable.Length == 0 ? "unknown source" : printable.Length > 200 ? printable[..200] : printable;
    }

    private static DateTimeOffset Max(DateTimeOffset a, DateTimeOffset b) => a > b ? a : b;

    public void Dispose()
    {
        _posted.Writer.TryComplete();
        _storing.Wait(TimeSpan.FromSeconds(30));
        _store.Dispose();
        _gate.Dispose();
    }
}
