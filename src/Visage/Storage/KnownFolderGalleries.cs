using System.Security.Cryptography;
using System.Text;
using Visage.Recognition;

namespace Visage.Storage;

/// <summary>
/// Galleries built from a folder of known people (<c>identify --known FOLDER</c>), kept in the Visage cache.
/// A gallery is keyed by the folder's full path, the model and the folder's listing (each photo's relative
/// path, size and modification time), so it is reused until a photo is added, removed or changed.
/// </summary>
public sealed class KnownFolderGalleries(VisageHome home)
{
    /// <summary>The cached gallery for the folder, enrolling it first when it is new or changed.</summary>
    public async Task<(IGallery Gallery, EnrollmentReport? Report)> OpenAsync(string folder, FacePipeline pipeline,
        Enroller enroller, IProgress<EnrollmentProgress>? progress = null, CancellationToken ct = default)
    {
        if (!Directory.Exists(folder))
            throw new VisageException($"{folder}: no such folder of known people");
        var sources = EnrollmentSources.Find([folder]);
        if (sources.Count == 0)
            throw new VisageException($"{folder}: no photos (.jpg, .jpeg, .png, .bmp, .webp) of known people in it");

        var path = GalleryPath(folder, pipeline.ModelId, sources);
        if (File.Exists(path))
            return (await SqliteGallery.OpenAsync(path, pipeline.ModelId, pipeline.Dimensions, GalleryOpenMode.MustExist, ct), null);

        Directory.CreateDirectory(home.GalleriesFolder);
        var staging = $"{path}.{Guid.NewGuid():N}.partial";
        EnrollmentReport report;
        try
        {
            using (var gallery = await SqliteGallery.OpenAsync(staging, pipeline.ModelId, pipeline.Dimensions,
                       GalleryOpenMode.CreateIfMissing, ct))
            {
                report = await enroller.EnrollAsync(gallery, sources, largest: false, progress, ct);
            }
            RemoveOlderVersions(folder, pipeline.ModelId);
            File.Move(staging, path, overwrite: true);
        }
        finally
        {
            File.Delete(staging);
        }
        var opened = await SqliteGallery.OpenAsync(path, pipeline.ModelId, pipeline.Dimensions, GalleryOpenMode.MustExist, ct);
        return (opened, report);
    }

    private string GalleryPath(string folder, string modelId, IReadOnlyList<EnrollmentSource> sources)
    {
        var root = Path.TrimEndingDirectorySeparator(Path.GetFullPath(folder));
        var listing = new StringBuilder();
        foreach (var source in sources.OrderBy(s => s.Path, StringComparer.Ordinal))
        {
            var info = new FileInfo(source.Path);
            listing.Append(Path.GetRelativePath(root, info.FullName)).Append('\t').Append(source.Identity)
                .Append('\t').Append(info.Length).Append('\t').Append(info.LastWriteTimeUtc.Ticks).Append('\n');
        }
        return Path.Combine(home.GalleriesFolder,
            $"{Prefix(folder, modelId)}-{Hash(listing.ToString())[..16]}.db");
    }

    private void RemoveOlderVersions(string folder, string modelId)
    {
        foreach (var old in Directory.EnumerateFiles(home.GalleriesFolder, $"{Prefix(folder, modelId)}-*.db"))
            File.Delete(old);
    }

    private static string Prefix(string folder, string modelId) =>
        $"{modelId}-{Hash(Path.TrimEndingDirectorySeparator(Path.GetFullPath(folder)))[..16]}";

    private static string Hash(string text) =>
        Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text)));
}
