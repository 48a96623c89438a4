using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Microsoft.Data.Sqlite;
using Visage.Imaging;
using Visage.Storage;

namespace Visage.Recognition;

/// <summary>
/// Galleries built from a folder of known people (the seed's "database": a folder of photos named after the
/// people), kept in the Visage cache, one per folder and pipeline. Opening one brings it in step with the
/// folder: photos added or changed are enrolled (in committed batches, so an interrupted run resumes), photos
/// removed or moved to another person are erased. When the folder's listing (paths, sizes, times) is as it
/// was, nothing is read. Galleries of folders that no longer exist are erased whenever any is opened, so no
/// copy of a person's faces outlives the folder they came from.
/// </summary>
internal static class KnownFolderGalleries
{
    private const string FolderKey = "known_folder";
    private const string ListingKey = "known_folder_listing";

    /// <summary>The folder's gallery, in step with the folder; the sync is null when nothing had changed.</summary>
    public static async Task<(SqliteGallery Gallery, KnownFolderSync? Sync)> OpenAsync(VisageHome home, string folder,
        FacePipeline pipeline, Enroller enroller, IProgress<EnrollmentProgress>? progress = null,
        CancellationToken ct = default)
    {
        if (!Directory.Exists(folder))
            throw new VisageException($"{folder}: no such folder of known people");
        var sources = EnrollmentSources.Find([folder], ct: ct);
        if (sources.Count == 0)
            throw new VisageException($"{folder}: no photos (.jpg, .jpeg, .png, .bmp, .webp) of known people in it");

        home.CreateGalleriesFolder();
        var root = Path.TrimEndingDirectorySeparator(Path.GetFullPath(folder));
        var path = Path.Combine(home.GalleriesFolder, $"known-{Hash(root)[..16]}-{pipeline.Fingerprint.Id}.db");
        EraseOrphans(home, keep: path);

        var binding = pipeline.GalleryBinding;
        var gallery = await SqliteGallery.OpenAsync(path, binding, GalleryOpenMode.CreateIfMissing, ct: ct);
        try
        {
            var listing = Listing(root, sources);
            if (await gallery.GetSettingAsync(ListingKey, ct) == listing)
                return (gallery, null);
            await gallery.SetSettingAsync(FolderKey, root, ct);

            var removed = await EraseStaleFacesAsync(gallery, sources, ct);
            var report = await enroller.EnrollAsync(gallery, sources, largest: false, progress, ct);
            await gallery.SetSettingAsync(ListingKey, listing, ct);
            return (gallery, new KnownFolderSync(report, removed));
        }
        catch
        {
            gallery.Dispose();
            throw;
        }
    }

    /// <summary>Erases faces whose photo is no longer in the folder, or now belongs to someone else.</summary>
    private static async Task<int> EraseStaleFacesAsync(SqliteGallery gallery, IReadOnlyList<EnrollmentSource> sources,
        CancellationToken ct)
    {
        var faces = await gallery.GetFacesAsync(ct);
        if (faces.Count == 0) return 0;
        var inFolder = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var source in sources)
        {
            if (source.Problem is not null || !PersonName.TryNormalize(source.Identity, out var name, out _)) continue;
            try
            {
                var file = await ImageReader.ReadFileAsync(source.Path, ImageLimits.Default, ct);
                inFolder.TryAdd(file.Sha256, name);
            }
            catch (ImageException)
            {
                // An unreadable photo is reported when it is enrolled; here it only cannot keep a face.
            }
        }
        var stale = faces
            .Where(f => !inFolder.TryGetValue(f.ImageSha256, out var name) || name != f.Identity)
            .Select(f => f.Id)
            .ToList();
        return stale.Count == 0 ? 0 : await gallery.DeleteFacesAsync(stale, ct);
    }

    private static string Listing(string root, IReadOnlyList<EnrollmentSource> sources)
    {
        var listing = new StringBuilder();
        foreach (var source in sources.OrderBy(s => s.Path, StringComparer.Ordinal))
        {
            var info = new FileInfo(source.Path);
            listing.Append(Path.GetRelativePath(root, info.FullName)).Append('\t').Append(source.Identity)
                .Append('\t').Append(info.Exists ? info.Length : -1).Append('\t')
                .Append(info.Exists ? info.LastWriteTimeUtc.Ticks : 0).Append('\n');
        }
        return Hash(listing.ToString());
    }

    /// <summary>
    /// Erases cached galleries whose folder is gone, galleries left by older versions, and files an
    /// interrupted older version left half-written.
    /// </summary>
    private static void EraseOrphans(VisageHome home, string keep)
    {
        foreach (var file in Directory.EnumerateFiles(home.GalleriesFolder))
        {
            if (string.Equals(file, keep, StringComparison.Ordinal)) continue;
            bool stale;
            if (file.EndsWith(".partial", StringComparison.Ordinal))
                stale = true;
            else if (file.EndsWith(".db", StringComparison.Ordinal))
                stale = FolderOf(file) switch
                {
                    { Readable: false } => false,
                    // One being created right now has no folder yet; leave it to its process.
                    { Folder: null } => DateTime.UtcNow - File.GetLastWriteTimeUtc(file) > TimeSpan.FromMinutes(10),
                    { Folder: var folder } => !Directory.Exists(folder),
                };
            else
                continue;
            if (!stale) continue;
            foreach (var part in new[] { file, file + "-journal", file + "-wal", file + "-shm" })
            {
                try
                {
                    File.Delete(part);
                }
                catch (Exception e) when (e is IOException or UnauthorizedAccessException)
                {
                    // Another process may be using it; the next open tries again.
                }
            }
        }
    }

    /// <summary>The folder a cached gallery was made from (null when it does not say); not readable when locked or damaged.</summary>
    private static (bool Readable, string? Folder) FolderOf(string galleryFile)
    {
        try
        {
            using var connection = new SqliteConnection(new SqliteConnectionStringBuilder
            {
                DataSource = galleryFile,
                Mode = SqliteOpenMode.ReadOnly,
                Pooling = false,
                DefaultTimeout = 1,
            }.ToString());
            connection.Open();
            using var command = connection.CreateCommand();
            command.CommandText = $"SELECT value FROM meta WHERE key = '{FolderKey}'";
            return (true, command.ExecuteScalar() as string);
        }
        catch (SqliteException e) when (e.SqliteErrorCode is 1 or 26)
        {
            return (true, null);
        }
        catch (SqliteException)
        {
            return (false, null);
        }
    }

    private static string Hash(string text) =>
        Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text)));
}
