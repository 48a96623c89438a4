using System.Diagnostics;

namespace Visage.Tests.Seed;

/// <summary>A generated weights folder (deleted on Dispose), the network read from it and one forward pass.</summary>
public abstract class SeedWeightsFixture : IDisposable
{
    protected SeedWeightsFixture(SeedWeightsOptions options)
    {
        Options = options;
        Folder = Directory.CreateTempSubdirectory("visage-seed-").FullName;
        var sw = Stopwatch.StartNew();
        Written = SeedWeightsWriter.Write(Folder, options);
        WriteTime = sw.Elapsed;
        sw.Restart();
        Network = SeedReferenceNetwork.Load(Folder);
        LoadTime = sw.Elapsed;
        Input = RandomInput(seed: 7);
        sw.Restart();
        Result = Network.Forward(Input);
        ForwardTime = sw.Elapsed;
    }

    public SeedWeightsOptions Options { get; }
    public string Folder { get; }
    public IReadOnlyDictionary<string, float[]> Written { get; }
    public SeedReferenceNetwork Network { get; }
    public float[] Input { get; }
    public SeedForwardResult Result { get; }
    public TimeSpan WriteTime { get; }
    public TimeSpan LoadTime { get; }
    public TimeSpan ForwardTime { get; }

    public static float[] RandomInput(int seed)
    {
        var rng = new Random(seed);
        var input = new float[SeedLayout.InputLength];
        for (var i = 0; i < input.Length; i++)
            input[i] = rng.Next(256) / 255f;
        return input;
    }

    public void Dispose()
    {
        if (Directory.Exists(Folder))
            Directory.Delete(Folder, recursive: true);
        GC.SuppressFinalize(this);
    }
}

/// <summary>Random weights, default writer options: mixed one-line and multi-line files, "R" formatting.</summary>
public sealed class SeedRandomWeightsFixture() : SeedWeightsFixture(new SeedWeightsOptions { Seed = 1 });

/// <summary>Zero kernels for the hand-computed answer, written in the other formats: multi-line, "G9", stray whitespace.</summary>
public sealed class SeedZeroConvolutionsFixture() : SeedWeightsFixture(new SeedWeightsOptions
{
    Seed = 2,
    ZeroConvolutions = true,
    Lines = SeedLineLayout.MultiLine,
    FloatFormat = "G9",
    StrayWhitespace = true,
});

/// <summary>Shares one folder of each kind across the seed test classes; each costs about 40 MB and a few seconds.</summary>
[CollectionDefinition(Name)]
public sealed class SeedWeightsCollection : ICollectionFixture<SeedRandomWeightsFixture>, ICollectionFixture<SeedZeroConvolutionsFixture>
{
    public const string Name = "Seed weights folders";
}
