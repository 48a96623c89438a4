using Visage.Search;

namespace Visage.Tests.Search;

/// <summary>
/// Made-up encodings shaped like faces: each identity a random unit direction, each of its faces that
/// direction plus noise, renormalised. Seeded, so every run sees the same numbers.
/// </summary>
internal static class GeneratedFaces
{
    public static List<IndexedFace> Gallery(int identities, int maxFacesEach, int dimensions, int seed,
        float noise = 0.6f, long firstId = 1)
    {
        var random = new Random(seed);
        var faces = new List<IndexedFace>();
        var id = firstId;
        for (var person = 0; person < identities; person++)
        {
            var centre = UnitVector(random, dimensions);
            var count = 1 + random.Next(maxFacesEach);
            for (var i = 0; i < count; i++)
                faces.Add(new IndexedFace(id++, $"person{person:D5}", Near(random, centre, noise)));
        }
        return faces;
    }

    /// <summary>Probes: some near enrolled faces (a second photo of someone), some strangers.</summary>
    public static List<float[]> Probes(IReadOnlyList<IndexedFace> gallery, int count, int seed, float noise = 0.6f)
    {
        var random = new Random(seed);
        var dimensions = gallery[0].Embedding.Length;
        return Enumerable.Range(0, count)
            .Select(i => i % 4 == 3
                ? UnitVector(random, dimensions)
                : Near(random, gallery[random.Next(gallery.Count)].Embedding, noise))
            .ToList();
    }

    public static float[] UnitVector(Random random, int dimensions)
    {
        var v = new float[dimensions];
        for (var i = 0; i < dimensions; i++) v[i] = (float)Gaussian(random);
        return Normalise(v);
    }

    private static float[] Near(Random random, float[] centre, float noise)
    {
        var scale = noise / MathF.Sqrt(centre.Length);
        var v = new float[centre.Length];
        for (var i = 0; i < v.Length; i++) v[i] = centre[i] + scale * (float)Gaussian(random);
        return Normalise(v);
    }

    private static float[] Normalise(float[] v)
    {
        var norm = System.Numerics.Tensors.TensorPrimitives.Norm(v);
        for (var i = 0; i < v.Length; i++) v[i] /= norm;
        return v;
    }

    private static double Gaussian(Random random) =>
        Math.Sqrt(-2 * Math.Log(1 - random.NextDouble())) * Math.Cos(2 * Math.PI * random.NextDouble());
}
