namespace Visage.Search;

/// <summary>The checks every index makes on a batch before changing anything.</summary>
internal static class FaceBatch
{
    public static void Validate(IReadOnlyList<IndexedFace> faces, int dimensions, Func<long, bool> held)
    {
        var ids = new HashSet<long>();
        foreach (var face in faces)
        {
            if (face.Embedding is null || face.Embedding.Length != dimensions)
                throw new ArgumentException(
                    $"face {face.Id}: encoding has {face.Embedding?.Length ?? 0} numbers, the index takes {dimensions}");
            if (string.IsNullOrEmpty(face.Identity))
                throw new ArgumentException($"face {face.Id}: empty identity name");
            foreach (var x in face.Embedding)
                if (!float.IsFinite(x))
                    throw new ArgumentException($"face {face.Id}: encoding holds {x}");
            if (!ids.Add(face.Id) || held(face.Id))
                throw new ArgumentException($"face {face.Id} is in the index already");
        }
    }
}
