using System.Numerics.Tensors;

namespace Visage.IndexBench;

/// <summary>
/// Made-up identities to fill a gallery to a million, each a function of its number (so nothing is stored):
/// "uniform", random unit directions; or "lfw" (the default), random mixtures of real LFW encodings around their
/// mean (16 centred encodings with Gaussian weights), which keeps the covariance of real faces so distractors
/// lie where real faces lie instead of all at the same distance, scaled to the real encodings' length.
/// </summary>
internal sealed class SyntheticFaces
{
    private const int Mixed = 16;
    private readonly string _kind;
    private readonly int _seed;
    private readonly float[] _mean;
    private readonly float[][] _centred;
    private readonly float _norm;

    public SyntheticFaces(string kind, int seed, IReadOnlyList<float[]> real)
    {
        if (kind is not ("lfw" or "uniform")) throw new ArgumentException($"--synthetic {kind}: lfw or uniform");
        _kind = kind;
        _seed = seed;
        Dimensions = real[0].Length;
        _mean = new float[Dimensions];
        foreach (var r in real) TensorPrimitives.Add(_mean, r, _mean);
        TensorPrimitives.Divide(_mean, real.Count, _mean);
        _centred = real.Select(r =>
        {
            var c = new float[Dimensions];
            TensorPrimitives.Subtract(r, _mean, c);
            return c;
        }).ToArray();
        _norm = real.Average(r => TensorPrimitives.Norm(r));
    }

    public int Dimensions { get; }

    public string Kind => _kind;

    /// <summary>Identity <paramref name="number"/>'s encoding.</summary>
    public float[] Identity(int number) => Make(new Random(unchecked(_seed * 1_000_003 + number)));

    /// <summary>Another "photo" of identity <paramref name="number"/>: its encoding moved by noise.</summary>
    public float[] SecondPhoto(int number, float noise)
    {
        var v = Identity(number);
        var random = new Random(unchecked(_seed * 7_000_003 + number));
        var step = noise * _norm / MathF.Sqrt(Dimensions);
        for (var i = 0; i < v.Length; i++) v[i] += step * Gaussian(random);
        return Scale(v);
    }

    private float[] Make(Random random)
    {
        var v = new float[Dimensions];
        if (_kind == "uniform")
        {
            for (var i = 0; i < v.Length; i++) v[i] = Gaussian(random);
            return Scale(v);
        }
        _mean.CopyTo(v, 0);
        var weight = 1 / MathF.Sqrt(Mixed);
        for (var j = 0; j < Mixed; j++)
            TensorPrimitives.MultiplyAdd(_centred[random.Next(_centred.Length)], Gaussian(random) * weight, v, v);
        return Scale(v);
    }

    private float[] Scale(float[] v)
    {
        TensorPrimitives.Multiply(v, _norm / TensorPrimitives.Norm(v), v);
        return v;
    }

    private static float Gaussian(Random random) =>
        (float)(Math.Sqrt(-2 * Math.Log(1 - random.NextDouble())) * Math.Cos(2 * Math.PI * random.NextDouble()));
}
