namespace Visage.Tests.Seed;

/// <summary>One convolution of the seed network together with the batch norm that follows it.</summary>
public sealed record SeedConv(string Name, string BnName, int In, int Out, int Kh, int Kw, int Stride, double Epsilon)
{
    public int WeightCount => Out * In * Kh * Kw;

    /// <summary>Kernel, bias and the four batch-norm vectors.</summary>
    public int ParameterCount => WeightCount + Out + 4 * Out;
}

/// <summary>One CSV file of the weights folder: <c>Stem + ".csv"</c>, holding a tensor of <c>Shape</c> row-major.</summary>
public sealed record SeedFile(string Stem, int[] Shape)
{
    public string FileName => Stem + ".csv";
    public int Count => Shape.Aggregate(1, (a, b) => a * b);
}

/// <summary>
/// The test side's own table of the seed network (OpenFace nn4.small2, deeplearning.ai Keras variant):
/// every convolution, its batch norm, the dense layer, and the files of the weights folder.
/// </summary>
public static class SeedLayout
{
    public const int InputSize = 96;
    public const int InputLength = 3 * InputSize * InputSize;
    public const int DenseInputs = 736;
    public const int EncodingSize = 128;
    public const long ExpectedParameterCount = 3_743_280;
    public const double Bn1Epsilon = 1e-3;
    public const double BnEpsilon = 1e-5;

    public static IReadOnlyList<SeedConv> Convolutions { get; } = BuildConvolutions();

    public static IReadOnlyList<SeedFile> Files { get; } = BuildFiles();

    public static long ParameterCount => Files.Sum(f => (long)f.Count);

    private static readonly Dictionary<string, SeedConv> ByName = Convolutions.ToDictionary(c => c.Name);

    public static SeedConv Conv(string name) =>
        ByName.TryGetValue(name, out var c) ? c : throw new KeyNotFoundException("no convolution named " + name);

    private static IReadOnlyList<SeedConv> BuildConvolutions()
    {
        var list = new List<SeedConv>
        {
            new("conv1", "bn1", 3, 64, 7, 7, 2, Bn1Epsilon),
            new("conv2", "bn2", 64, 64, 1, 1, 1, BnEpsilon),
            new("conv3", "bn3", 64, 192, 3, 3, 1, BnEpsilon),
        };

        void Single(string block, string branch, int cin, int cout) =>
            list.Add(new($"inception_{block}_{branch}_conv", $"inception_{block}_{branch}_bn", cin, cout, 1, 1, 1, BnEpsilon));

        void Double(string block, string branch, int cin, int reduce, int cout, int k, int stride)
        {
            var p = $"inception_{block}_{branch}_";
            list.Add(new(p + "conv1", p + "bn1", cin, reduce, 1, 1, 1, BnEpsilon));
            list.Add(new(p + "conv2", p + "bn2", reduce, cout, k, k, stride, BnEpsilon));
        }

        Double("3a", "3x3", 192, 96, 128, 3, 1);
        Double("3a", "5x5", 192, 16, 32, 5, 1);
        Single("3a", "pool", 192, 32);
        Single("3a", "1x1", 192, 64);

        Double("3b", "3x3", 256, 96, 128, 3, 1);
        Double("3b", "5x5", 256, 32, 64, 5, 1);
        Single("3b", "pool", 256, 64);
        Single("3b", "1x1", 256, 64);

        Double("3c", "3x3", 320, 128, 256, 3, 2);
        Double("3c", "5x5", 320, 32, 64, 5, 2);

        Double("4a", "3x3", 640, 96, 192, 3, 1);
        Double("4a", "5x5", 640, 32, 64, 5, 1);
        Single("4a", "pool", 640, 128);
        Single("4a", "1x1", 640, 256);

        Double("4e", "3x3", 640, 160, 256, 3, 2);
        Double("4e", "5x5", 640, 64, 128, 5, 2);

        Double("5a", "3x3", 1024, 96, 384, 3, 1);
        Single("5a", "pool", 1024, 96);
        Single("5a", "1x1", 1024, 256);

        Double("5b", "3x3", 736, 96, 384, 3, 1);
        Single("5b", "pool", 736, 96);
        Single("5b", "1x1", 736, 256);

        return list;
    }

    private static IReadOnlyList<SeedFile> BuildFiles()
    {
        var files = new List<SeedFile>();
        foreach (var c in Convolutions)
        {
            files.Add(new(c.Name + "_w", [c.Out, c.In, c.Kh, c.Kw]));
            files.Add(new(c.Name + "_b", [c.Out]));
            foreach (var suffix in new[] { "_w", "_b", "_m", "_v" })
                files.Add(new(c.BnName + suffix, [c.Out]));
        }
        files.Add(new("dense_w", [EncodingSize, DenseInputs]));
        files.Add(new("dense_b", [EncodingSize]));
        return files;
    }
}
