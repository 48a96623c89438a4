using Visage.Imaging;
using Visage.Models;
using Visage.Recognition;
using Visage.Storage;

namespace Visage.IndexBench;

/// <summary>One LFW photo's subject encoded by the default pack.</summary>
internal sealed record LfwPhoto(string Person, string Path, float[] Embedding);

/// <summary>
/// Every LFW photo's subject encoding (the most central face, as <c>visage evaluate</c> picks it), from the
/// bench's own encoding cache when a previous run put it there, else through the pipeline.
/// </summary>
internal static class LfwEncodings
{
    public static async Task<(IReadOnlyList<LfwPhoto> Photos, string ModelId)> LoadAsync(string imagesFolder, string cachePath)
    {
        var home = VisageHome.FromEnvironment();
        var pack = ModelCatalog.Default;
        using var pipeline = await FacePipeline.LoadAsync(pack, new ModelStore(home));
        using var cache = EmbeddingCache.Open(cachePath);
        var encoder = new SubjectEncoder(pipeline, cache);
        var files = Directory.EnumerateFiles(imagesFolder, "*.jpg", SearchOption.AllDirectories)
            .Order(StringComparer.Ordinal).ToList();
        var photos = new List<LfwPhoto>(files.Count);
        foreach (var file in files)
        {
            photos.Add(new LfwPhoto(Path.GetFileName(Path.GetDirectoryName(file))!, file, encoder.Encode(file).Embedding));
            if (photos.Count % 500 == 0) Console.Error.WriteLine($"  encoded {photos.Count} of {files.Count} LFW photos");
        }
        return (photos, pipeline.ModelId);
    }
}
