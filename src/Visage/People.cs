using Visage.Imaging;
using Visage.Recognition;
using Visage.Storage;

namespace Visage;

/// <summary>
/// The people Visage knows, and who is in a photo. Open it on a gallery file (created on first enrolment) or
/// on a folder of known people (<c>FOLDER/NAME.jpg</c> or <c>FOLDER/NAME/*.jpg</c>, enrolled once into the cache
/// and kept in step with the folder). The threshold that decides "known" is chosen here, always in the same
/// order: the one given in <see cref="PeopleOptions"/>, else the gallery's calibrated one, else the model's.
/// Safe to share between threads.
/// <code>
/// using var people = await People.OpenAsync(visage, "family.db", new PeopleOptions { CreateIfMissing = true });
/// await people.EnrollAsync(["known/"]);
/// foreach (var who in people.Identify(photo)) Console.WriteLine(who.Identity ?? "unknown");
/// </code>
/// </summary>
public sealed class People : IDisposable
{
    private readonly FaceRecognizer _recognizer;
    private readonly SqliteGallery _gallery;
    private readonly PeopleOptions _options;
    private readonly SemaphoreSlim _writes = new(1, 1);
    private volatile Snapshot _snapshot;

    private sealed record Snapshot(IReadOnlyList<GalleryFace> Faces, FaceMatcher Matcher, DecisionThreshold Threshold);

    private People(FaceRecognizer recognizer, SqliteGallery gallery, PeopleOptions options, string? folder,
        KnownFolderSync? sync, Snapshot snapshot)
    {
        _recognizer = recognizer;
        _gallery = gallery;
        _options = options;
        Folder = folder;
        FolderSync = sync;
        _snapshot = snapshot;
    }

    /// <summary>The gallery file, or the folder of known people.</summary>
    public string Location => Folder ?? _gallery.Location;

    /// <summary>The folder of known people these are, or null for a gallery file.</summary>
    public string? Folder { get; }

    /// <summary>What opening a known-people folder enrolled or erased; null when nothing had changed (or for a file).</summary>
    public KnownFolderSync? FolderSync { get; }

    public FaceRecognizer Recognizer => _recognizer;

    /// <summary>The threshold identification uses, and where it came from.</summary>
    public DecisionThreshold Threshold => _snapshot.Threshold;

    /// <summary>How many faces are enrolled.</summary>
    public int FaceCount => _snapshot.Faces.Count;

    /// <summary>How many people have at least one face.</summary>
    public int PeopleCount => _snapshot.Faces.Select(f => f.Identity).Distinct(StringComparer.Ordinal).Count();

    /// <summary>
    /// Opens the people at <paramref name="location"/>: an existing folder is a folder of known people; anything
    /// else is a gallery file, which must exist unless <see cref="PeopleOptions.CreateIfMissing"/>.
    /// </summary>
    public static async Task<People> OpenAsync(FaceRecognizer recognizer, string location, PeopleOptions? options = null,
        IProgress<EnrollmentProgress>? progress = null, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(recognizer);
        ArgumentException.ThrowIfNullOrWhiteSpace(location);
        options ??= new PeopleOptions();
        DecisionThreshold.Choose(options.Threshold, null, recognizer.ModelThreshold);

        SqliteGallery gallery;
        KnownFolderSync? sync = null;
        string? folder = null;
        if (Directory.Exists(location) && !location.EndsWith(".db", StringComparison.OrdinalIgnoreCase))
        {
            folder = location;
            var enroller = new Enroller(recognizer.Pipeline, recognizer.Limits) { Workers = recognizer.Pipeline.BulkWorkers };
            (gallery, sync) = await KnownFolderGalleries.OpenAsync(recognizer.Home, location, recognizer.Pipeline,
                enroller, progress, ct);
        }
        else
        {
            var binding = recognizer.Pipeline.GalleryBinding;
            var mode = options.ReadOnly ? GalleryOpenMode.MustExist
                : options.CreateIfMissing ? GalleryOpenMode.CreateIfMissing
                : GalleryOpenMode.MustExistWritable;
            gallery = await SqliteGallery.OpenAsync(location, binding, mode, options.LockTimeout, ct);
        }
        try
        {
            var snapshot = await LoadSnapshotAsync(gallery, options, recognizer, ct);
            return new People(recognizer, gallery, options, folder, sync, snapshot);
        }
        catch
        {
            gallery.Dispose();
            throw;
        }
    }

    private static async Task<Snapshot> LoadSnapshotAsync(SqliteGallery gallery, PeopleOptions options,
        FaceRecognizer recognizer, CancellationToken ct)
    {
        var faces = await gallery.GetFacesAsync(ct);
        var calibrated = await gallery.GetThresholdAsync(ct);
        var threshold = DecisionThreshold.Choose(options.Threshold, calibrated?.Value, recognizer.ModelThreshold,
            calibrated?.Note);
        return new Snapshot(faces, new FaceMatcher(faces), threshold);
    }

    private async Task RefreshAsync(CancellationToken ct) =>
        _snapshot = await LoadSnapshotAsync(_gallery, _options, _recognizer, ct);

    /// <summary>Every face of the photo: its nearest person, the distance, and whether that is within the threshold.</summary>
    public IReadOnlyList<Identification> Identify(FaceImage image) => Identify(_recognizer.Find(image));

    public IReadOnlyList<Identification> Identify(IReadOnlyList<Face> faces)
    {
        var snapshot = _snapshot;
        return faces.Select(f => snapshot.Matcher.Identify(f, snapshot.Threshold.Value)).ToList();
    }

    public Identification Identify(Face face)
    {
        var snapshot = _snapshot;
        return snapshot.Matcher.Identify(face, snapshot.Threshold.Value);
    }

    /// <summary>
    /// Enrolls photos and folders (<c>FOLDER/NAME.jpg</c>, <c>FOLDER/NAME/*.jpg</c>, or single photos named after
    /// their file; <see cref="EnrollOptions.Name"/> names them all). Faces are committed in batches; a
    /// cancelled run keeps what it finished and throws <see cref="EnrollmentCancelledException"/> with its report.
    /// </summary>
    public async Task<EnrollmentReport> EnrollAsync(IEnumerable<string> paths, EnrollOptions? options = null,
        IProgress<EnrollmentProgress>? progress = null, CancellationToken ct = default)
    {
        options ??= new EnrollOptions();
        var given = paths.ToList();
        var sources = EnrollmentSources.Find(given, options.Name, ct);
        if (sources.Count == 0)
            throw new VisageException($"{string.Join(", ", given)}: no photos (.jpg, .jpeg, .png, .bmp, .webp) found");
        return await EnrollAsync(sources, options, progress, ct);
    }

    /// <summary>Enrolls the photos found beforehand (see <see cref="EnrollmentSources.Find"/>).</summary>
    public async Task<EnrollmentReport> EnrollAsync(IReadOnlyList<EnrollmentSource> sources, EnrollOptions? options = null,
        IProgress<EnrollmentProgress>? progress = null, CancellationToken ct = default)
    {
        RefuseFolderWrite("enroll photos");
        options ??= new EnrollOptions();
        var enroller = new Enroller(_recognizer.Pipeline, _recognizer.Limits)
        {
            WholeImage = options.WholeImage,
            BatchSize = options.BatchSize,
            Workers = _recognizer.Pipeline.BulkWorkers,
        };
        await _writes.WaitAsync(ct);
        try
        {
            return await enroller.EnrollAsync(_gallery, sources, options.Largest, progress, ct);
        }
        finally
        {
            await RefreshAsync(CancellationToken.None);
            _writes.Release();
        }
    }

    /// <summary>
    /// Adds one photo of <paramref name="person"/> (an upload). It must show one face, or several with
    /// <paramref name="largest"/>; otherwise a <see cref="FaceCountException"/> lists the boxes found. A photo
    /// enrolled already is reported as such, not added twice.
    /// </summary>
    public async Task<EnrollmentOutcome> AddPhotoAsync(string person, FaceImage image, bool largest = false,
        CancellationToken ct = default)
    {
        RefuseFolderWrite("add photos");
        var name = PersonName.Normalize(person);
        var source = new EnrollmentSource(image.Source, name);
        await _writes.WaitAsync(ct);
        try
        {
            if (await _gallery.FindImageAsync(image.Sha256, ct) is { } enrolledAs)
                return new EnrollmentOutcome(source, EnrollmentStatus.AlreadyEnrolled, $"already enrolled as {enrolledAs}");
            var face = _recognizer.FindOne(image, largest);
            var crop = FaceCrop.Encode(image.Pixels, face.Box);
            var result = await _gallery.AddAsync([new NewFace(name, face.Embedding, image.Source, image.Sha256, crop)], ct);
            await RefreshAsync(CancellationToken.None);
            return result.Added.Count == 1
                ? new EnrollmentOutcome(source, EnrollmentStatus.Enrolled, null, 1, result.Added[0].Id)
                : new EnrollmentOutcome(source, EnrollmentStatus.AlreadyEnrolled,
                    $"already enrolled as {result.AlreadyEnrolled[0].EnrolledAs}");
        }
        finally
        {
            _writes.Release();
        }
    }

    /// <summary>Adds a person with no photo yet; false when the name is taken.</summary>
    public Task<bool> CreatePersonAsync(string name, CancellationToken ct = default) =>
        WriteAsync("add people", () => _gallery.CreatePersonAsync(PersonName.Normalize(name), ct), ct);

    /// <summary>Everyone enrolled, by name, with their face counts.</summary>
    public Task<IReadOnlyList<Person>> ListAsync(CancellationToken ct = default) => _gallery.ListPeopleAsync(ct);

    /// <summary>
    /// One person, with their face count and thumbnail face; a name nobody has is a <see cref="PersonException"/>.
    /// </summary>
    public async Task<Person> GetAsync(string name, CancellationToken ct = default)
    {
        var normalized = PersonName.Normalize(name);
        return (await _gallery.ListPeopleAsync(ct)).FirstOrDefault(p => p.Name == normalized)
               ?? throw new PersonException(normalized, exists: false, $"{Location}: nobody called {normalized} is enrolled");
    }

    /// <summary>The enrolled faces (of one person, or everyone's): id, person, source photo, when added.</summary>
    public IReadOnlyList<GalleryFace> Faces(string? person = null)
    {
        var faces = _snapshot.Faces;
        if (person is null) return faces;
        var name = PersonName.Normalize(person);
        return faces.Where(f => f.Identity == name).ToList();
    }

    public Task<Person> RenameAsync(string name, string newName, CancellationToken ct = default) =>
        WriteAsync("rename people", () => _gallery.RenamePersonAsync(PersonName.Normalize(name), PersonName.Normalize(newName), ct), ct);

    /// <summary>
    /// Erases a person: every encoding and face crop, in one transaction, and reclaims the file's space so their
    /// data is gone from it. Returns how many faces were erased.
    /// </summary>
    public Task<int> DeleteAsync(string name, CancellationToken ct = default) =>
        WriteAsync("delete people", () => _gallery.DeletePersonAsync(PersonName.Normalize(name), ct), ct);

    /// <summary>Moves every face of <paramref name="from"/> to <paramref name="into"/>; <paramref name="from"/> is gone after.</summary>
    public Task<Person> MergeAsync(string from, string into, CancellationToken ct = default) =>
        WriteAsync("merge people", () => _gallery.MergePeopleAsync(PersonName.Normalize(from), PersonName.Normalize(into), ct), ct);

    /// <summary>Erases one face by id; false when there was none.</summary>
    public Task<bool> DeleteFaceAsync(long faceId, CancellationToken ct = default) =>
        WriteAsync("delete faces", () => _gallery.DeleteFaceAsync(faceId, ct), ct);

    /// <summary>The stored JPEG crop of a face, or null.</summary>
    public Task<byte[]?> GetFaceCropAsync(long faceId, CancellationToken ct = default) => _gallery.GetFaceCropAsync(faceId, ct);

    /// <summary>Stores a threshold for this gallery (null removes it, so the model's applies).</summary>
    public Task SetThresholdAsync(float? value, string? note = null, CancellationToken ct = default)
    {
        if (value is { } v) DecisionThreshold.Choose(v, null, v);
        // A folder's cached gallery may keep a threshold: it is about the folder's people, not a change to them.
        return WriteAsync("store a threshold", async () =>
        {
            await _gallery.SetThresholdAsync(value is { } t ? new GalleryThreshold(t, note ?? "set by hand") : null, ct);
            return true;
        }, ct, folderAllowed: true);
    }

    /// <summary>
    /// Chooses the threshold that keeps the false-accept rate at <paramref name="falseAcceptRate"/> on labelled
    /// photos (or on the enrolled people), stores it in the gallery, and returns what it achieves there. With
    /// too few pairs to estimate that rate it throws <see cref="CalibrationException"/> and stores nothing.
    /// </summary>
    public async Task<CalibrationResult> CalibrateAsync(CalibrationPhotos photos, double falseAcceptRate,
        IProgress<(int Done, int Total)>? progress = null, CancellationToken ct = default)
    {
        var result = photos is CalibrationPhotos.Enrolled
            ? CalibrationRun.Calibrate(Calibration.AllPairs(_snapshot.Faces.Select(f => (f.Identity, f.Embedding)).ToList()),
                falseAcceptRate, [])
            : await _recognizer.CalibrateAsync(photos, falseAcceptRate, progress, ct);
        await StoreCalibrationAsync(result, ct);
        return result;
    }

    /// <summary>Stores a calibration made with <see cref="FaceRecognizer.CalibrateAsync"/> as this gallery's threshold.</summary>
    public Task StoreCalibrationAsync(CalibrationResult result, CancellationToken ct = default) =>
        SetThresholdAsync(result.Chosen.Threshold, result.Note, ct);

    /// <summary>
    /// Every face of the photos and folders given, grouped: faces of enrolled people under their names (at
    /// <see cref="Threshold"/>), the rest grouped by their encodings into "person 1", "person 2", ... at 0.9 x that
    /// threshold (see <see cref="ClusterOptions"/>), biggest group first; faces in no group are unassigned.
    /// </summary>
    public Task<FaceGrouping> GroupFacesAsync(IEnumerable<string> paths, ClusterOptions? options = null,
        IProgress<(int Done, int Total)>? progress = null, CancellationToken ct = default)
    {
        var snapshot = _snapshot;
        return Task.Run(() => FaceGroupingRun.Run(_recognizer, paths, options, snapshot.Threshold,
            face => snapshot.Matcher.Identify(face, snapshot.Threshold.Value), progress, ct), ct);
    }

    /// <summary>
    /// Groups the photos' faces as <see cref="GroupFacesAsync"/> does and enrolls the group of strangers with id
    /// <paramref name="cluster"/> as <paramref name="name"/>: each of its faces, with a crop, in one transaction. A
    /// photo enrolled already (the gallery keeps one face per photo) is reported as such, not added.
    /// </summary>
    public async Task<EnrollmentReport> NameClusterAsync(IEnumerable<string> paths, string cluster, string name,
        ClusterOptions? options = null, IProgress<(int Done, int Total)>? progress = null, CancellationToken ct = default)
    {
        RefuseFolderWrite("name a group");
        var person = PersonName.Normalize(name);
        var given = paths.ToList();
        var grouping = await GroupFacesAsync(given, options, progress, ct);
        var group = grouping.Cluster(cluster) ?? throw new VisageException(
            $"{cluster}: no group of unknown faces with this id in {string.Join(", ", given)} " +
            $"({grouping.Groups.Count(g => !g.Known)} groups; ids change when the photos or the enrolled people change)");
        var faces = new List<NewFace>();
        foreach (var photo in group.Faces.GroupBy(f => f.Face.Image, StringComparer.Ordinal))
        {
            var boxes = photo.Select(f => f.Face.Box).ToList();
            var crops = await _recognizer.CropFacesAsync(photo.Key, boxes, ct: ct);
            faces.AddRange(photo.Select((f, i) => new NewFace(person, f.Face.Embedding, f.Face.Image, f.Face.ImageSha256, crops[i])));
        }
        await _writes.WaitAsync(ct);
        try
        {
            var result = await _gallery.AddAsync(faces, ct);
            var outcomes = result.Added
                .Select(a => new EnrollmentOutcome(new EnrollmentSource(a.Face.SourcePath, person), EnrollmentStatus.Enrolled, null, null, a.Id))
                .Concat(result.AlreadyEnrolled.Select(d => new EnrollmentOutcome(new EnrollmentSource(d.Face.SourcePath, person),
                    EnrollmentStatus.AlreadyEnrolled, $"already enrolled as {d.EnrolledAs}")))
                .ToList();
            return new EnrollmentReport(outcomes, faces.Count);
        }
        finally
        {
            await RefreshAsync(CancellationToken.None);
            _writes.Release();
        }
    }

    private async Task<T> WriteAsync<T>(string what, Func<Task<T>> write, CancellationToken ct, bool folderAllowed = false)
    {
        if (!folderAllowed) RefuseFolderWrite(what);
        await _writes.WaitAsync(ct);
        try
        {
            var result = await write();
            await RefreshAsync(CancellationToken.None);
            return result;
        }
        finally
        {
            _writes.Release();
        }
    }

    private void RefuseFolderWrite(string what)
    {
        if (Folder is not null)
            throw new VisageException(
                $"{Folder}: the people of a folder are its photos; to {what}, change the photos in the folder (or use a gallery file)");
    }

    public void Dispose()
    {
        _gallery.Dispose();
        _writes.Dispose();
    }
}
