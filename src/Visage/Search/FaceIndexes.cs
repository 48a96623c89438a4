namespace Visage.Search;

/// <summary>Makes the index a gallery needs: loaded from beside it when current, else built and saved.</summary>
internal static class FaceIndexes
{
    /// <summary>An empty index of the kind <paramref name="expectedFaces"/> faces call for.</summary>
    public static IFaceIndex Create(int dimensions, int expectedFaces, FaceIndexOptions? options = null)
    {
        options ??= FaceIndexOptions.Default;
        return expectedFaces >= options.HnswFromFaces
            ? new HnswFaceIndex(dimensions, options.Hnsw)
            : new ExactFaceIndex(dimensions, expectedFaces);
    }

    /// <summary>An index holding <paramref name="faces"/>, of the kind their number calls for.</summary>
    public static IFaceIndex Build(int dimensions, IReadOnlyList<IndexedFace> faces, FaceIndexOptions? options = null)
    {
        var index = Create(dimensions, faces.Count, options);
        try
        {
            index.Add(faces);
            return index;
        }
        catch
        {
            index.Dispose();
            throw;
        }
    }

    /// <summary>
    /// The index saved in <paramref name="folder"/> when its stamp is <paramref name="stamp"/>; otherwise one
    /// built from <paramref name="readFaces"/> and saved there for the next start. <c>Loaded</c> says which.
    /// </summary>
    public static async Task<(IFaceIndex Index, bool Loaded, string? WhyRebuilt)> LoadOrBuildAsync(
        string folder, string stamp, int dimensions,
        Func<CancellationToken, Task<IReadOnlyList<IndexedFace>>> readFaces,
        FaceIndexOptions? options = null, CancellationToken ct = default)
    {
        options ??= FaceIndexOptions.Default;
        var (loaded, whyNot) = FaceIndexFile.TryLoad(folder, stamp, dimensions, options.Hnsw);
        if (loaded is not null) return (loaded, true, null);
        var faces = await readFaces(ct);
        ct.ThrowIfCancellationRequested();
        var index = Build(dimensions, faces, options);
        try
        {
            FaceIndexFile.Save(index, folder, stamp);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // An index that cannot be saved still answers; the next start builds it again.
            whyNot += $"; not saved ({e.Message})";
        }
        return (index, false, whyNot);
    }
}
