using Xunit.Abstractions;

namespace Visage.Tests.Seed;

[Collection(SeedWeightsCollection.Name)]
public class SeedReferenceNetworkTests(SeedRandomWeightsFixture random, ITestOutputHelper output)
{
    [Fact]
    public void Forward_GivesTheSpecsShapes()
    {
        var r = random.Result;
        Assert.Equal("192x12x12", r.Stem.Shape);
        Assert.Equal("256x12x12", r.After3a.Shape);
        Assert.Equal("320x12x12", r.After3b.Shape);
        Assert.Equal("640x6x6", r.After3c.Shape);
        Assert.Equal("640x6x6", r.After4a.Shape);
        Assert.Equal("1024x3x3", r.After4e.Shape);
        Assert.Equal("736x3x3", r.After5a.Shape);
        Assert.Equal("736x3x3", r.After5b.Shape);
        Assert.Equal(736, r.PreDense.Length);
        Assert.Equal(128, r.PreNormalization.Length);
        Assert.Equal(128, r.Encoding.Length);
    }

    [Fact]
    public void Encoding_HasUnitLength()
    {
        var norm = Math.Sqrt(random.Result.Encoding.Sum(v => v * v));
        Assert.Equal(1.0, norm, 1e-12);
        var f = random.Network.Encode(random.Input);
        Assert.Equal(1.0, Math.Sqrt(f.Sum(v => (double)v * v)), 1e-6);
    }

    [Fact]
    public void Activations_NeitherVanishNorExplode()
    {
        var r = random.Result;
        foreach (var (name, data) in new[]
                 {
                     ("stem", r.Stem.Data), ("3a", r.After3a.Data), ("3c", r.After3c.Data), ("4e", r.After4e.Data),
                     ("5b", r.After5b.Data), ("pre-dense", r.PreDense),
                 })
        {
            var nonZero = data.Count(v => v != 0) / (double)data.Length;
            var rms = Math.Sqrt(data.Sum(v => v * v) / data.Length);
            Assert.True(nonZero > 0.2, $"{name}: only {nonZero:P0} non-zero");
            Assert.True(rms is > 0.05 and < 20, $"{name}: rms {rms}");
        }
        Assert.Contains(r.PreNormalization, v => Math.Abs(v) > 1e-3);
    }

    [Fact]
    public void Forward_IsDeterministic()
    {
        var again = random.Network.Forward(random.Input);
        Assert.Equal(random.Result.Encoding, again.Encoding);
        Assert.Equal(random.Result.After4e.Data, again.After4e.Data);

        var reloaded = SeedReferenceNetwork.Load(random.Folder).Forward(random.Input);
        Assert.Equal(random.Result.Encoding, reloaded.Encoding);
    }

    [Fact]
    public void DifferentInputs_GiveDifferentEncodings()
    {
        var other = random.Network.Forward(SeedWeightsFixture.RandomInput(seed: 8)).Encoding;
        var distance = Math.Sqrt(other.Zip(random.Result.Encoding, (a, b) => (a - b) * (a - b)).Sum());
        Assert.True(distance > 1e-3, $"distance {distance}");
    }

    [Fact]
    public void Forward_RejectsAWrongSizedInput()
    {
        Assert.Throws<ArgumentException>(() => random.Network.Forward(new float[3 * 96 * 95]));
    }

    [Fact]
    public void Forward_TakesWellUnderTenSeconds()
    {
        var sw = System.Diagnostics.Stopwatch.StartNew();
        random.Network.Forward(random.Input);
        output.WriteLine($"weights folder: written in {random.WriteTime.TotalMilliseconds:F0} ms, read in {random.LoadTime.TotalMilliseconds:F0} ms");
        output.WriteLine($"reference forward pass: first {random.ForwardTime.TotalMilliseconds:F0} ms, again {sw.Elapsed.TotalMilliseconds:F0} ms");
        Assert.True(random.ForwardTime < TimeSpan.FromSeconds(10), $"forward pass took {random.ForwardTime}");
    }
}

/// <summary>
/// With every kernel zero each convolution outputs its bias, so every channel is a constant that follows from
/// the bias and batch norm alone; the encoding can then be worked out by hand.
/// </summary>
[Collection(SeedWeightsCollection.Name)]
public class SeedZeroConvolutionsTests(SeedZeroConvolutionsFixture zero)
{
    private double[] P(string stem) => Array.ConvertAll(zero.Written[stem].ToArray(), v => (double)v);

    /// <summary>relu(gamma * (bias - mean) / sqrt(var + eps) + beta) per output channel.</summary>
    private double[] Constant(string convName)
    {
        var c = SeedLayout.Conv(convName);
        var (bias, g, b, m, v) = (P(c.Name + "_b"), P(c.BnName + "_w"), P(c.BnName + "_b"), P(c.BnName + "_m"), P(c.BnName + "_v"));
        return Enumerable.Range(0, c.Out)
            .Select(i => Math.Max(0, g[i] * (bias[i] - m[i]) / Math.Sqrt(v[i] + c.Epsilon) + b[i]))
            .ToArray();
    }

    private double[] ExpectedPreDense() =>
    [
        .. Constant("inception_5b_3x3_conv2"),
        // 1x1 map padded by 1 to 3x3: the head's 3x3 average sees the value once and eight zeros.
        .. Constant("inception_5b_pool_conv").Select(v => v / 9),
        .. Constant("inception_5b_1x1_conv"),
    ];

    [Fact]
    public void PreDense_MatchesTheHandComputedVector()
    {
        var expected = ExpectedPreDense();
        Assert.Equal(736, expected.Length);
        Assert.Contains(expected, v => v > 0);
        for (var i = 0; i < 736; i++)
            Assert.True(Math.Abs(expected[i] - zero.Result.PreDense[i]) <= 1e-6, $"[{i}] expected {expected[i]}, got {zero.Result.PreDense[i]}");
    }

    [Fact]
    public void Encoding_MatchesTheHandComputedAnswer()
    {
        var v = ExpectedPreDense();
        var w = P("dense_w");
        var b = P("dense_b");
        var dense = new double[128];
        for (var o = 0; o < 128; o++)
        {
            dense[o] = b[o];
            for (var i = 0; i < 736; i++)
                dense[o] += w[o * 736 + i] * v[i];
        }
        var norm = Math.Sqrt(dense.Sum(x => x * x));
        Assert.True(norm > 1e-3);

        for (var o = 0; o < 128; o++)
        {
            Assert.True(Math.Abs(dense[o] - zero.Result.PreNormalization[o]) <= 1e-6, $"pre-norm [{o}]");
            Assert.True(Math.Abs(dense[o] / norm - zero.Result.Encoding[o]) <= 1e-6, $"encoding [{o}]");
        }
    }

    [Fact]
    public void After3a_HasConstantConvBranches_AndThePoolBranchPaddedThreeBeforeFourAfter()
    {
        var a3 = zero.Result.After3a;
        var branch3 = Constant("inception_3a_3x3_conv2");
        var branch5 = Constant("inception_3a_5x5_conv2");
        var pool = Constant("inception_3a_pool_conv");
        var branch1 = Constant("inception_3a_1x1_conv");
        Assert.Equal(256, branch3.Length + branch5.Length + pool.Length + branch1.Length);

        for (var y = 0; y < 12; y++)
            for (var x = 0; x < 12; x++)
            {
                for (var c = 0; c < 128; c++)
                    Assert.Equal(branch3[c], a3[c, y, x], 12);
                for (var c = 0; c < 32; c++)
                    Assert.Equal(branch5[c], a3[128 + c, y, x], 12);
                var inside = y is >= 3 and < 8 && x is >= 3 and < 8;
                for (var c = 0; c < 32; c++)
                    Assert.Equal(inside ? pool[c] : 0.0, a3[160 + c, y, x], 12);
                for (var c = 0; c < 64; c++)
                    Assert.Equal(branch1[c], a3[192 + c, y, x], 12);
            }
    }

    [Fact]
    public void Encoding_DoesNotDependOnTheInput()
    {
        var other = zero.Network.Forward(new float[SeedLayout.InputLength]);
        for (var i = 0; i < 128; i++)
            Assert.Equal(zero.Result.Encoding[i], other.Encoding[i], 12);
    }
}
