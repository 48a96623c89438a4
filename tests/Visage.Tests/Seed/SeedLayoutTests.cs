namespace Visage.Tests.Seed;

public class SeedLayoutTests
{
    [Fact]
    public void ParameterCount_IsTheKerasModelsTotal()
    {
        Assert.Equal(3_743_280L, SeedLayout.ParameterCount);
        Assert.Equal(SeedLayout.ParameterCount,
            SeedLayout.Convolutions.Sum(c => (long)c.ParameterCount) + 128 * 736 + 128);
    }

    [Fact]
    public void Files_AreSixPerConvolutionPlusDense_WithUniqueNames()
    {
        Assert.Equal(37, SeedLayout.Convolutions.Count);
        Assert.Equal(37 * 6 + 2, SeedLayout.Files.Count);
        Assert.Equal(SeedLayout.Files.Count, SeedLayout.Files.Select(f => f.FileName).Distinct().Count());
        Assert.Contains(SeedLayout.Files, f => f.FileName == "inception_3a_3x3_bn1_m.csv");
        Assert.Contains(SeedLayout.Files, f => f.FileName == "inception_5b_1x1_conv_w.csv" && f.Shape.SequenceEqual([256, 736, 1, 1]));
        Assert.Contains(SeedLayout.Files, f => f.FileName == "conv1_w.csv" && f.Shape.SequenceEqual([64, 3, 7, 7]));
        Assert.Contains(SeedLayout.Files, f => f.FileName == "dense_w.csv" && f.Shape.SequenceEqual([128, 736]));
        Assert.DoesNotContain(SeedLayout.Files, f => f.FileName.StartsWith("inception_3c_pool") || f.FileName.StartsWith("inception_4e_pool"));
        Assert.DoesNotContain(SeedLayout.Files, f => f.FileName.StartsWith("inception_5a_5x5") || f.FileName.StartsWith("inception_5b_5x5"));
    }

    [Fact]
    public void OnlyBn1_UsesTheKerasDefaultEpsilon()
    {
        Assert.Equal(1e-3, SeedLayout.Conv("conv1").Epsilon);
        Assert.All(SeedLayout.Convolutions.Where(c => c.Name != "conv1"), c => Assert.Equal(1e-5, c.Epsilon));
    }

    [Theory]
    [InlineData("3a", 192, 256)]
    [InlineData("3b", 256, 320)]
    [InlineData("3c", 320, 640)]
    [InlineData("4a", 640, 640)]
    [InlineData("4e", 640, 1024)]
    [InlineData("5a", 1024, 736)]
    [InlineData("5b", 736, 736)]
    public void Blocks_ChainChannels(string block, int inChannels, int outChannels)
    {
        var convs = SeedLayout.Convolutions.Where(c => c.Name.StartsWith($"inception_{block}_")).ToList();
        Assert.All(convs.Where(c => !c.Name.EndsWith("_conv2")), c => Assert.Equal(inChannels, c.In));
        // Branch outputs: the last convolution of each branch; a pool branch without convolution passes the input through.
        var branchOut = convs.Where(c => c.Name.EndsWith("_conv2") || c.Name.EndsWith("_pool_conv") || c.Name.EndsWith("_1x1_conv")).Sum(c => c.Out);
        var hasPoolConv = convs.Any(c => c.Name.EndsWith("_pool_conv"));
        Assert.Equal(outChannels, branchOut + (hasPoolConv ? 0 : inChannels));
    }
}
