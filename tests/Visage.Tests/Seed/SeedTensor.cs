namespace Visage.Tests.Seed;

/// <summary>A channels-first activation map (batch 1) in double precision.</summary>
public sealed class SeedTensor
{
    public SeedTensor(int channels, int height, int width, double[]? data = null)
    {
        Channels = channels;
        Height = height;
        Width = width;
        Data = data ?? new double[channels * height * width];
        if (Data.Length != channels * height * width)
            throw new ArgumentException($"data holds {Data.Length} values, shape {channels}x{height}x{width} needs {channels * height * width}");
    }

    public int Channels { get; }
    public int Height { get; }
    public int Width { get; }
    public double[] Data { get; }

    public int Plane => Height * Width;

    public double this[int c, int y, int x] => Data[(c * Height + y) * Width + x];

    public string Shape => $"{Channels}x{Height}x{Width}";

    public float[] ToFloat() => Array.ConvertAll(Data, v => (float)v);
}
