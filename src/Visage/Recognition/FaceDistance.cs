using System.Numerics.Tensors;

namespace Visage.Recognition;

/// <summary>How far apart two encodings are, and the seed's rule for calling them the same person.</summary>
public static class FaceDistance
{
    public static float Euclidean(ReadOnlySpan<float> a, ReadOnlySpan<float> b)
    {
        if (a.Length != b.Length)
            throw new ArgumentException($"encodings of {a.Length} and {b.Length} numbers cannot be compared");
        return TensorPrimitives.Distance(a, b);
    }

    /// <summary>Same person when the distance is at most the threshold: the threshold itself matches.</summary>
    public static bool IsMatch(float distance, float threshold) => distance <= threshold;
}
