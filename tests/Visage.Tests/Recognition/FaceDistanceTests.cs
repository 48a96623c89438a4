using Visage.Recognition;

namespace Visage.Tests.Recognition;

public sealed class FaceDistanceTests
{
    [Fact]
    public void Euclidean_matches_a_hand_computed_value()
    {
        // Differences (3, 4, 0, 12): sqrt(9 + 16 + 0 + 144) = 13.
        float[] a = [1, 2, 3, -5];
        float[] b = [4, 6, 3, 7];

        Assert.Equal(13f, FaceDistance.Euclidean(a, b), 1e-5f);
        Assert.Equal(13f, FaceDistance.Euclidean(b, a), 1e-5f);
    }

    [Fact]
    public void Euclidean_of_unit_vectors_at_an_angle_is_the_chord()
    {
        var angle = 0.7;
        float[] a = [1, 0, 0];
        float[] b = [(float)Math.Cos(angle), (float)Math.Sin(angle), 0];

        Assert.Equal(2 * Math.Sin(angle / 2), FaceDistance.Euclidean(a, b), 1e-6);
    }

    [Fact]
    public void Euclidean_of_identical_encodings_is_zero()
    {
        float[] a = [0.1f, -0.2f, 0.3f, 0.4f, 0.5f];
        Assert.Equal(0f, FaceDistance.Euclidean(a, (float[])a.Clone()));
    }

    [Fact]
    public void Euclidean_of_different_lengths_throws()
    {
        var error = Assert.Throws<ArgumentException>(() => FaceDistance.Euclidean([1f, 2f, 3f], [1f, 2f]));
        Assert.Contains("3 and 2", error.Message);
    }

    [Theory]
    [InlineData(0.6f)]
    [InlineData(0.4f)]
    [InlineData(1.0f)]
    [InlineData(0f)]
    public void IsMatch_includes_the_threshold_itself(float threshold)
    {
        Assert.True(FaceDistance.IsMatch(threshold, threshold));
        Assert.True(FaceDistance.IsMatch(MathF.BitDecrement(threshold), threshold));
        Assert.False(FaceDistance.IsMatch(MathF.BitIncrement(threshold), threshold));
    }
}
