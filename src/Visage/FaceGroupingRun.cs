using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Visage.Imaging;
using Visage.Recognition;
using Visage.Recognition.Clustering;
using Visage.Storage;

namespace Visage;

/// <summary>
/// Groups every face of some photos: each photo's faces found once (cached by image hash and pipeline), the
/// faces of enrolled people named, the rest clustered by average linkage at a fraction of the threshold.
/// </summary>
internal static class FaceGroupingRun
{
    public static FaceGrouping Run(FaceRecognizer recognizer, IEnumerable<string> paths, ClusterOptions? options,
        DecisionThreshold threshold, Func<Face, Identification>? identify, IProgress<(int Done, int Total)>? progress,
        CancellationToken ct)
    {
        options ??= new ClusterOptions();
        if (options.MinClusterSize < 1)
            throw new InvalidSettingException(VisageSetting.MinClusterSize,
                $"a group needs at least one face, not {options.MinClusterSize}");
        var distance = options.Distance ?? threshold.Value * ClusteringOptions.DefaultThresholdRatio;
        if (!(distance > 0 && float.IsFinite(distance)))
            throw new InvalidSettingException(VisageSetting.ClusterDistance, $"a grouping distance must be a positive distance, not {distance}");

        var sources = EnrollmentSources.Find(paths, ct: ct);
        var failed = sources.Where(s => s.Problem is not null).Select(s => new PhotoProblem(s.Path, s.Problem!)).ToList();
        var photos = sources.Where(s => s.Problem is null).Select(s => s.Path).ToList();
        var faces = new List<PhotoFace>();
        using (var cache = EmbeddingCache.Open(recognizer.Home.EncodingCachePath))
        {
            for (var i = 0; i < photos.Count; i++)
            {
                ct.ThrowIfCancellationRequested();
                try
                {
                    faces.AddRange(FacesOf(recognizer, cache, photos[i], ct));
                }
                catch (VisageException e)
                {
                    failed.Add(new PhotoProblem(photos[i], e.Message));
                }
                progress?.Report((i + 1, photos.Count));
            }
        }

        var known = new Dictionary<string, List<GroupedFace>>(StringComparer.Ordinal);
        var strangers = new List<PhotoFace>();
        foreach (var face in faces)
        {
            var who = identify?.Invoke(new Face(face.Box, face.Score, null, face.Embedding));
            if (who is { IsKnown: true, Identity: { } person })
            {
                if (!known.TryGetValue(person, out var list)) known[person] = list = [];
                list.Add(new GroupedFace(face, who.Distance));
            }
            else strangers.Add(face);
        }

        var clustering = new ClusteringOptions(ClusteringMethod.AverageLinkage, distance, options.MinClusterSize);
        var assignment = FaceClusterer.Cluster(strangers.Select(f => f.Embedding).ToList(), clustering);
        var clusters = assignment.Clusters
            .Select(members => members.Select(i => strangers[i]).ToList())
            .OrderByDescending(c => c.Count)
            .ToList();
        var groups = known.OrderBy(k => k.Key, StringComparer.Ordinal)
            .Select(k => new FaceGroup(k.Key, true, null, k.Value))
            .Concat(clusters.Select((c, i) => new FaceGroup(
                string.Create(CultureInfo.InvariantCulture, $"person {i + 1}"), false, ClusterId(c),
                c.Select(f => new GroupedFace(f, null)).ToList())))
            .ToList();
        return new FaceGrouping(groups, assignment.Outliers.Select(i => strangers[i]).ToList(), photos.Count,
            faces.Count, failed, threshold, distance, "average_linkage", options.MinClusterSize);
    }

    /// <summary>8 hex digits of a hash of the group's faces (photo hash and box): the same faces, the same id.</summary>
    internal static string ClusterId(IEnumerable<PhotoFace> faces)
    {
        var keys = faces.Select(f => string.Create(CultureInfo.InvariantCulture,
            $"{f.ImageSha256}:{f.Box.X:0.0},{f.Box.Y:0.0},{f.Box.Width:0.0},{f.Box.Height:0.0}")).Order(StringComparer.Ordinal);
        return Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(string.Join('\n', keys))))[..8];
    }

    private static IReadOnlyList<PhotoFace> FacesOf(FaceRecognizer recognizer, EmbeddingCache cache, string path,
        CancellationToken ct)
    {
        var file = ImageReader.ReadFileAsync(path, recognizer.Limits, ct).GetAwaiter().GetResult();
        var key = recognizer.Fingerprint.Id;
        if (cache.GetFaces(key, file.Sha256) is { } hit)
            return hit.Select(f => new PhotoFace(path, file.Sha256, f.Box, f.Score, f.Embedding)).ToList();
        using var image = ImageReader.Decode(file, recognizer.Limits);
        var found = recognizer.Find(image);
        cache.PutFaces(key, file.Sha256, found.Select(f => new CachedFace(f.Box, f.Score, f.Embedding)).ToList());
        return found.Select(f => new PhotoFace(path, file.Sha256, f.Box, f.Score, f.Embedding)).ToList();
    }
}
