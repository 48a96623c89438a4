using Visage.Imaging;
using Visage.Recognition;
using Visage.Search;
using Visage.Storage;
using Visage.Storage.Postgres;

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
    private readonly IndexedGallery _gallery;
    private readonly GalleryIndex _index;
    private readonly PeopleOptions _options;
    private readonly SemaphoreSlim _writes = new(1, 1);
    private volatile DecisionThreshold _threshold;

    private People(FaceRecognizer recognizer, IndexedGallery gallery, PeopleOptions options, string? folder,
        KnownFolderSync? sync, DecisionThreshold threshold)
    {
        _recognizer = recognizer;
        _gallery = gallery;
        _index = gallery.Index;
        _options = options;
        Folder = folder;
        FolderSync = sync;
        _threshold = threshold;
    }

    /// <summary>The gallery file, the folder of known people, or the store's URL (without its password).</summary>
    public string Location => Folder ?? _gallery.Location;

    /// <summary>The search index identify uses: its kind, size and whether it was loaded or built.</summary>
    public IndexState Index => new(_index.Kind, _index.Count, _index.IdentityCount, _index.Loaded, _index.WhyBuilt,
        _index.OpenTime, _index.Stamp, _index.Sync is { } sync ? sync.Connected : null, _index.Sync?.LastError)
    {
        Reconciliations = _index.Sync?.Reconciled,
        ErasesApplied = _index.Sync?.ErasesApplied,
        Origin = _index.Origin,
        OriginDetail = _index.FromSnapshot?.Describe(),
    };

    /// <summary>The folder of known people these are, or null for a gallery file.</summary>
    public string? Folder { get; }

    /// <summary>What opening a known-people folder enrolled or erased; null when nothing had changed (or for a file).</summary>
    public KnownFolderSync? FolderSync { get; }

    public FaceRecognizer Recognizer => _recognizer;

    /// <summary>The threshold identification uses, and where it came from.</summary>
    public DecisionThreshold Threshold => _threshold;

    /// <summary>How many faces are enrolled.</summary>
    public int FaceCount => _index.Count;

    /// <summary>How many people have at least one face.</summary>
    public int PeopleCount => _index.IdentityCount;

    /// <summary>
    /// Opens the people at <paramref name="location"/>: a store URL (<c>postgres://USER:PASSWORD@HOST:PORT/DATABASE</c>)
    /// is the PostgreSQL store several processes share; an existing folder is a folder of known people; anything
    /// else is a gallery file, which must exist unless <see cref="PeopleOptions.CreateIfMissing"/>.
    /// </summary>
    public static async Task<People> OpenAsync(FaceRecognizer recognizer, string location, PeopleOptions? options = null,
        IProgress<EnrollmentProgress>? progress = null, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(recognizer);
        ArgumentException.ThrowIfNullOrWhiteSpace(location);
        options ??= new PeopleOptions();
        DecisionThreshold.Choose(options.Threshold, null, recognizer.ModelThreshold);

        IGallery gallery;
        KnownFolderSync? sync = null;
        string? folder = null;
        string? indexFolder;
        string? storeUrl = null;
        if (PostgresLocation.IsPostgres(location))
        {
            var mode = options.ReadOnly ? GalleryOpenMode.MustExist
                : options.CreateIfMissing ? GalleryOpenMode.CreateIfMissing
                : GalleryOpenMode.MustExistWritable;
            var store = await PostgresGallery.OpenAsync(location, recognizer.Pipeline.GalleryBinding, mode, ct);
            gallery = store;
            storeUrl = location;
            indexFolder = Path.Combine(recognizer.Home.IndexesFolder, store.StoreId);
        }
        else if (Directory.Exists(location) && !location.EndsWith(".db", StringComparison.OrdinalIgnoreCase))
        {
            folder = location;
            var enroller = new Enroller(recognizer.Pipeline, recognizer.Limits) { Workers = recognizer.Pipeline.BulkWorkers };
            SqliteGallery cached;
            (cached, sync) = await KnownFolderGalleries.OpenAsync(recognizer.Home, location, recognizer.Pipeline,
                enroller, progress, ct);
            gallery = cached;
            indexFolder = IndexFolderOf(cached.Location);
        }
        else
        {
            var binding = recognizer.Pipeline.GalleryBinding;
            var mode = options.ReadOnly ? GalleryOpenMode.MustExist
                : options.CreateIfMissing ? GalleryOpenMode.CreateIfMissing
                : GalleryOpenMode.MustExistWritable;
            gallery = await SqliteGallery.OpenAsync(location, binding, mode, options.LockTimeout, ct);
            indexFolder = IndexFolderOf(location);
        }
        GalleryIndex? index = null;
        try
        {
            var threshold = await ReadThresholdAsync(gallery, options, recognizer, ct);
            index = await GalleryIndex.OpenAsync(gallery, indexFolder, storeUrl, options.Index, ct);
            return new People(recognizer, new IndexedGallery(gallery, index), options, folder, sync, threshold);
        }
        catch
        {
            if (index is not null) await index.DisposeAsync();
            gallery.Dispose();
            throw;
        }
    }

    /// <summary>Whether <paramref name="location"/> names a PostgreSQL store (postgres:// or postgresql://).</summary>
    public static bool IsStoreUrl(string location) => PostgresLocation.IsPostgres(location);

    /// <summary>A location as messages show it: a store URL without its password, anything else as given.</summary>
    public static string Shown(string location) => PostgresLocation.Redact(location);

    /// <summary>Whether there is something to open at <paramref name="location"/> (a store is always tried).</summary>
    public static bool Exists(string location) =>
        IsStoreUrl(location) || File.Exists(location) || Directory.Exists(location);

    /// <summary>Where a gallery file's search index is saved: a folder beside it, named after it.</summary>
    internal static string IndexFolderOf(string galleryPath) => Path.GetFullPath(galleryPath) + ".index";

    private static async Task<DecisionThreshold> ReadThresholdAsync(IGallery gallery, PeopleOptions options,
        FaceRecognizer recognizer, CancellationToken ct)
    {
        var calibrated = await gallery.GetThresholdAsync(ct);
        return DecisionThreshold.Choose(options.Threshold, calibrated?.Value, recognizer.ModelThreshold,
            calibrated?.Note);
    }

    // The index follows every write by itself (IndexedGallery); only the threshold is read again.
    private async Task RefreshAsync(CancellationToken ct) =>
        _threshold = await ReadThresholdAsync(_gallery, _options, _recognizer, ct);

    /// <summary>Every face of the photo: its nearest person, the distance, and whether that is within the threshold.</summary>
    public IReadOnlyList<Identification> Identify(FaceImage image) => Identify(_recognizer.Find(image));

    public IReadOnlyList<Identification> Identify(IReadOnlyList<Face> faces)
    {
        var threshold = _threshold.Value;
        return faces.Select(f => _index.Identify(f, threshold)).ToList();
    }

    public Identification Identify(Face face) => _index.Identify(face, _threshold.Value);

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
        // Read from the store: the index keeps encodings, not where each face came from.
        var faces = _gallery.GetFacesAsync().GetAwaiter().GetResult();
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
            ? CalibrationRun.Calibrate(Calibration.AllPairs((await _gallery.GetFacesAsync(ct)).Select(f => (f.Identity, f.Embedding)).ToList()),
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
        var threshold = _threshold;
        return Task.Run(() => FaceGroupingRun.Run(_recognizer, paths, options, threshold,
            face => _index.Identify(face, threshold.Value), progress, ct), ct);
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
        return await AddFacesAsync(faces, person, facesFound: null, ct);
    }

    /// <summary>
    /// Enrolls faces found earlier (their encodings and crops, e.g. a group of strangers) as <paramref name="name"/>,
    /// all in one transaction. Each face's <see cref="FaceToEnroll.Key"/> stands for its photo: a key enrolled
    /// already is reported as such, not added. The outcomes carry the new faces' ids.
    /// </summary>
    public async Task<EnrollmentReport> EnrollFacesAsync(string name, IReadOnlyList<FaceToEnroll> faces,
        CancellationToken ct = default)
    {
        RefuseFolderWrite("enroll faces");
        ArgumentNullException.ThrowIfNull(faces);
        var person = PersonName.Normalize(name);
        var dimensions = _recognizer.Pipeline.GalleryBinding.Dimensions;
        foreach (var face in faces)
        {
            if (face.Embedding.Length != dimensions)
                throw new VisageException($"{face.Source}: the encoding has {face.Embedding.Length} numbers, this gallery's model makes {dimensions}");
            if (string.IsNullOrWhiteSpace(face.Key))
                throw new VisageException($"{face.Source}: a face to enroll needs a key (its photo's SHA-256, or another stable id)");
        }
        var added = faces.Select(f => new NewFace(person, f.Embedding, f.Source, f.Key, f.Crop)).ToList();
        return await AddFacesAsync(added, person, facesFound: 1, ct);
    }

    /// <summary>Adds the faces in one transaction, under the write lock, and reports each as enrolled or already there.</summary>
    private async Task<EnrollmentReport> AddFacesAsync(IReadOnlyList<NewFace> faces, string person, int? facesFound,
        CancellationToken ct)
    {
        await _writes.WaitAsync(ct);
        try
        {
            var result = await _gallery.AddAsync(faces, ct);
            var outcomes = result.Added
                .Select(a => new EnrollmentOutcome(new EnrollmentSource(a.Face.SourcePath, person), EnrollmentStatus.Enrolled, null, facesFound, a.Id))
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
        // The index is saved (when it changed) before the store it was read from is closed.
        _index.Dispose();
        _gallery.Dispose();
        _writes.Dispose();
    }
}
