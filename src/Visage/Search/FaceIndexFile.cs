namespace Visage.Search;

/// <summary>
/// An index saved in a folder beside its gallery, so a restart loads it instead of rebuilding it:
/// <c>faces.bin</c> (format, the gallery's stamp, kind, dimensions, identities, each face's id and identity;
/// the encodings too for an exact index) and, for HNSW, the graph in <c>graph-GENERATION.usearch</c>, named in
/// faces.bin. A save writes a new generation and then renames faces.bin over the old one, so a reader sees the
/// old index or the new one, never a mix. The stamp is the gallery's word for "nothing changed since": an index
/// saved under another stamp is stale and is not loaded.
/// </summary>
internal static class FaceIndexFile
{
    public const string FacesFile = "faces.bin";
    private const string Magic = "VISAGE-FACE-INDEX";
    private const int Format = 2;
    private const UnixFileMode FileMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
    private const UnixFileMode FolderMode = FileMode | UnixFileMode.UserExecute;

    public static void Save(IFaceIndex index, string folder, string stamp)
    {
        if (OperatingSystem.IsWindows()) Directory.CreateDirectory(folder);
        else Directory.CreateDirectory(folder, FolderMode);
        var generation = Guid.NewGuid().ToString("N");
        var graphName = index is HnswFaceIndex ? $"graph-{generation}.usearch" : "";
        var temporary = Path.Combine(folder, $"{FacesFile}.{generation}.tmp");
        try
        {
            using (var stream = Create(temporary))
            using (var writer = new BinaryWriter(stream))
            {
                writer.Write(Magic);
                writer.Write(Format);
                writer.Write(stamp);
                writer.Write(index.Kind);
                writer.Write(index.Dimensions);
                writer.Write(graphName);
                switch (index)
                {
                    case ExactFaceIndex exact:
                        exact.Write(writer);
                        break;
                    case HnswFaceIndex hnsw:
                        var graphPath = Path.Combine(folder, graphName);
                        hnsw.Write(writer, graphPath);
                        if (!OperatingSystem.IsWindows()) File.SetUnixFileMode(graphPath, FileMode);
                        using (var graph = new FileStream(graphPath, System.IO.FileMode.Open, FileAccess.ReadWrite))
                            graph.Flush(flushToDisk: true);
                        break;
                    default:
                        throw new ArgumentException($"cannot save an index of kind {index.Kind}");
                }
                writer.Flush();
                stream.Flush(flushToDisk: true);
            }
            File.Move(temporary, Path.Combine(folder, FacesFile), overwrite: true);
        }
        catch
        {
            File.Delete(temporary);
            if (graphName != "") File.Delete(Path.Combine(folder, graphName));
            throw;
        }
        foreach (var old in Directory.EnumerateFiles(folder))
        {
            var name = Path.GetFileName(old);
            if ((name.StartsWith("graph-", StringComparison.Ordinal) && name != graphName)
                || (name.StartsWith(FacesFile + ".", StringComparison.Ordinal) && name.EndsWith(".tmp", StringComparison.Ordinal)))
                File.Delete(old);
        }
    }

    /// <summary>The index saved in <paramref name="folder"/> under <paramref name="stamp"/>, or why there is none.</summary>
    public static (IFaceIndex? Index, string? WhyNot) TryLoad(string folder, string stamp, int dimensions,
        HnswOptions? hnsw = null)
    {
        var (index, _, whyNot) = TryLoad(folder, saved => saved == stamp, dimensions, hnsw);
        return (index, whyNot);
    }

    /// <summary>
    /// The index saved in <paramref name="folder"/> when <paramref name="accept"/> takes its stamp (a replica
    /// takes an older stamp of its store, and replays the store's changes since), with that stamp; or why not.
    /// </summary>
    public static (IFaceIndex? Index, string? Stamp, string? WhyNot) TryLoad(string folder, Func<string, bool> accept,
        int dimensions, HnswOptions? hnsw = null)
    {
        var path = Path.Combine(folder, FacesFile);
        if (!File.Exists(path)) return (null, null, "no saved index");
        try
        {
            using var stream = new FileStream(path, System.IO.FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 20);
            using var reader = new BinaryReader(stream);
            if (reader.ReadString() != Magic || reader.ReadInt32() != Format)
                return (null, null, "saved index is of another format");
            var savedStamp = reader.ReadString();
            if (!accept(savedStamp)) return (null, null, "saved index is stale (the gallery changed since)");
            var kind = reader.ReadString();
            var savedDimensions = reader.ReadInt32();
            if (savedDimensions != dimensions)
                return (null, null, $"saved index holds encodings of {savedDimensions} numbers, not {dimensions}");
            var graphName = reader.ReadString();
            IFaceIndex index = kind switch
            {
                ExactFaceIndex.KindName => ExactFaceIndex.Read(reader, dimensions),
                HnswFaceIndex.KindName => HnswFaceIndex.Read(reader, Path.Combine(folder, Path.GetFileName(graphName)),
                    dimensions, hnsw ?? HnswOptions.Default),
                _ => throw new InvalidDataException($"unknown index kind '{kind}'"),
            };
            if (stream.Position != stream.Length)
            {
                index.Dispose();
                return (null, null, "saved index has trailing bytes");
            }
            return (index, savedStamp, null);
        }
        catch (Exception e) when (e is IOException or InvalidDataException or UnauthorizedAccessException
                                      or Cloud.Unum.USearch.USearchException or ArgumentException)
        {
            return (null, null, $"saved index is unreadable ({e.Message})");
        }
    }

    private static FileStream Create(string path)
    {
        var options = new FileStreamOptions
        {
            Mode = System.IO.FileMode.CreateNew,
            Access = FileAccess.Write,
            BufferSize = 1 << 20,
        };
        if (!OperatingSystem.IsWindows()) options.UnixCreateMode = FileMode;
        return new FileStream(path, options);
    }
}
