using OpenCvSharp;

namespace Visage.Tests.Seed;

/// <summary>Hand-worked examples for each operation the reference network is built from.</summary>
public class SeedOpsTests
{
    private static SeedTensor Ramp(int c, int h, int w) =>
        new(c, h, w, Enumerable.Range(0, c * h * w).Select(i => (double)i).ToArray());

    [Fact]
    public void Conv2d_Stride2_WindowsAndBias()
    {
        // 0  1  2  3
        // 4  5  6  7      kernel 1 2     bias 0.5
        // 8  9 10 11             3 4
        // 12 13 14 15
        var y = SeedOps.Conv2d(Ramp(1, 4, 4), [1, 2, 3, 4], [0.5], 1, 2, 2, 2);
        Assert.Equal("1x2x2", y.Shape);
        Assert.Equal([34.5, 54.5, 114.5, 134.5], y.Data);
    }

    [Fact]
    public void Conv2d_KernelIsOutInRowMajor()
    {
        var x = new SeedTensor(2, 1, 1, [10, 100]);
        var y = SeedOps.Conv2d(x, [1, 2, 3, 4], [0, 0], 2, 1, 1, 1);
        Assert.Equal([1 * 10 + 2 * 100, 3 * 10 + 4 * 100], y.Data);
    }

    [Fact]
    public void Conv2d_StridedOutputSizeIsFloor()
    {
        var y = SeedOps.Conv2d(Ramp(1, 6, 6), new double[9], [1], 1, 3, 3, 2);
        Assert.Equal("1x2x2", y.Shape);
        var z = SeedOps.Conv2d(Ramp(1, 5, 5), [1, 0, 0, 0, 0, 0, 0, 0, 0], [0], 1, 3, 3, 2);
        Assert.Equal([0, 2, 10, 12], z.Data);
    }

    [Fact]
    public void Pad_PutsTheMapAtBeforeAndZerosAround()
    {
        var y = SeedOps.Pad(Ramp(2, 5, 5), 3, 4);
        Assert.Equal("2x12x12", y.Shape);
        for (var c = 0; c < 2; c++)
            for (var r = 0; r < 12; r++)
                for (var q = 0; q < 12; q++)
                {
                    var inside = r is >= 3 and < 8 && q is >= 3 and < 8;
                    Assert.Equal(inside ? c * 25 + (r - 3) * 5 + (q - 3) : 0.0, y[c, r, q]);
                }
    }

    [Fact]
    public void MaxPool_3x3Stride2()
    {
        var y = SeedOps.MaxPool(Ramp(1, 5, 5), 3, 2);
        Assert.Equal([12, 14, 22, 24], y.Data);
        Assert.Equal("1x5x5", SeedOps.MaxPool(Ramp(1, 12, 12), 3, 2).Shape);
    }

    [Fact]
    public void AvgPool_DividesByNine_AndDropsTheRemainder()
    {
        // 4x4 with window 3 stride 3: one window over rows/cols 0..2.
        var y = SeedOps.AvgPool(Ramp(1, 4, 4), 3, 3);
        Assert.Equal("1x1x1", y.Shape);
        Assert.Equal((0 + 1 + 2 + 4 + 5 + 6 + 8 + 9 + 10) / 9.0, y.Data[0], 12);
        Assert.Equal("1x4x4", SeedOps.AvgPool(Ramp(1, 12, 12), 3, 3).Shape);
        Assert.Equal("1x1x1", SeedOps.AvgPool(Ramp(1, 3, 3), 3, 1).Shape);
    }

    [Fact]
    public void BatchNormRelu_FollowsTheInferenceFormula()
    {
        var x = new SeedTensor(2, 1, 2, [1, 3, 5, -5]);
        var y = SeedOps.BatchNormRelu(x, [2, 1], [0.5, -1], [1, 0], [3, 0], 1);
        // channel 0: 2 * (x - 1) / 2 + 0.5;  channel 1: (x - 0) / 1 - 1, then ReLU.
        Assert.Equal([0.5, 2.5, 4.0, 0.0], y.Data.Select(v => Math.Round(v, 12)));
    }

    [Fact]
    public void Concat_StacksChannelsInOrder()
    {
        var y = SeedOps.Concat(new SeedTensor(1, 1, 2, [1, 2]), new SeedTensor(2, 1, 2, [3, 4, 5, 6]));
        Assert.Equal("3x1x2", y.Shape);
        Assert.Equal([1, 2, 3, 4, 5, 6], y.Data);
        Assert.Throws<ArgumentException>(() => SeedOps.Concat(new SeedTensor(1, 1, 2), new SeedTensor(1, 2, 1)));
    }

    [Fact]
    public void Dense_WeightsAreOutInRowMajor()
    {
        var y = SeedOps.Dense([1, 10, 100], [1, 2, 3, 4, 5, 6], [0.5, -0.5]);
        Assert.Equal([321.5, 653.5], y);
    }

    [Fact]
    public void L2Normalize_GivesUnitLength()
    {
        Assert.Equal([0.6, 0.8], SeedOps.L2Normalize([3, 4]).Select(v => Math.Round(v, 12)));
        Assert.Equal([0.0, 0.0], SeedOps.L2Normalize([0, 0]));
    }
}

public class SeedPreprocessTests
{
    [Fact]
    public void Preprocess_96x96_IsRgbChannelsFirstOver255()
    {
        var dir = Directory.CreateTempSubdirectory("visage-seed-").FullName;
        try
        {
            using var img = new Mat(96, 96, MatType.CV_8UC3);
            for (var y = 0; y < 96; y++)
                for (var x = 0; x < 96; x++)
                    img.Set(y, x, new Vec3b((byte)x, (byte)y, (byte)(x + y))); // B, G, R
            var path = Path.Combine(dir, "grid.png");
            Assert.True(Cv2.ImWrite(path, img));

            var input = SeedReferenceNetwork.Preprocess(path);
            Assert.Equal(3 * 96 * 96, input.Length);
            const int plane = 96 * 96;
            for (var y = 0; y < 96; y++)
                for (var x = 0; x < 96; x++)
                {
                    var i = y * 96 + x;
                    Assert.Equal((byte)(x + y) / 255f, input[i]);     // R
                    Assert.Equal(y / 255f, input[plane + i]);          // G
                    Assert.Equal(x / 255f, input[2 * plane + i]);      // B
                }
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    [Fact]
    public void Preprocess_ResizesTheWholeImage()
    {
        // Left half blue, right half red, 200x150: after resizing, the left edge is blue and the right edge red.
        using var img = new Mat(150, 200, MatType.CV_8UC3, new Scalar(255, 0, 0));
        img[new Rect(100, 0, 100, 150)].SetTo(new Scalar(0, 0, 255));
        var input = SeedReferenceNetwork.Preprocess(img);
        const int plane = 96 * 96;
        for (var y = 0; y < 96; y++)
        {
            Assert.Equal(0f, input[y * 96]);                 // R at the left edge
            Assert.Equal(1f, input[2 * plane + y * 96]);     // B at the left edge
            Assert.Equal(1f, input[y * 96 + 95]);            // R at the right edge
            Assert.Equal(0f, input[2 * plane + y * 96 + 95]);
        }
        Assert.All(input.Skip(plane).Take(plane), v => Assert.Equal(0f, v));
    }

    [Fact]
    public void Preprocess_RejectsAMissingImage()
    {
        Assert.Throws<InvalidDataException>(() => SeedReferenceNetwork.Preprocess("/nonexistent/visage-seed.png"));
    }
}
