namespace Visage.Tests.Seed;

/// <summary>The reference network's layer operations: plain loops, double precision, "valid" windows.</summary>
public static class SeedOps
{
    /// <summary>Convolution without implicit padding. <paramref name="weights"/> is [out, in, kh, kw] row-major.</summary>
    public static SeedTensor Conv2d(SeedTensor x, double[] weights, double[] bias, int outChannels, int kh, int kw, int stride)
    {
        var inC = x.Channels;
        if (weights.Length != outChannels * inC * kh * kw)
            throw new ArgumentException($"kernel holds {weights.Length} values, expected {outChannels}x{inC}x{kh}x{kw}");
        if (bias.Length != outChannels)
            throw new ArgumentException($"bias holds {bias.Length} values, expected {outChannels}");
        if (x.Height < kh || x.Width < kw)
            throw new ArgumentException($"input {x.Shape} smaller than kernel {kh}x{kw}");

        var oh = (x.Height - kh) / stride + 1;
        var ow = (x.Width - kw) / stride + 1;
        var y = new SeedTensor(outChannels, oh, ow);
        var src = x.Data;
        var dst = y.Data;
        var inW = x.Width;
        var inPlane = x.Plane;
        var outPlane = oh * ow;

        // Each output channel is summed in a fixed order by one thread, so results do not depend on scheduling.
        Parallel.For(0, outChannels, oc =>
        {
            var outBase = oc * outPlane;
            Array.Fill(dst, bias[oc], outBase, outPlane);
            var wBase = oc * inC * kh * kw;
            for (var ic = 0; ic < inC; ic++)
            {
                var inBase = ic * inPlane;
                for (var ky = 0; ky < kh; ky++)
                {
                    for (var kx = 0; kx < kw; kx++)
                    {
                        var w = weights[wBase + (ic * kh + ky) * kw + kx];
                        for (var oy = 0; oy < oh; oy++)
                        {
                            var s = inBase + (oy * stride + ky) * inW + kx;
                            var d = outBase + oy * ow;
                            for (var ox = 0; ox < ow; ox++)
                                dst[d + ox] += w * src[s + ox * stride];
                        }
                    }
                }
            }
        });
        return y;
    }

    /// <summary>y = gamma * (x - mean) / sqrt(var + eps) + beta per channel, then ReLU.</summary>
    public static SeedTensor BatchNormRelu(SeedTensor x, double[] gamma, double[] beta, double[] mean, double[] variance, double epsilon)
    {
        if (gamma.Length != x.Channels || beta.Length != x.Channels || mean.Length != x.Channels || variance.Length != x.Channels)
            throw new ArgumentException($"batch norm vectors do not match {x.Channels} channels");
        var y = new SeedTensor(x.Channels, x.Height, x.Width);
        var plane = x.Plane;
        for (var c = 0; c < x.Channels; c++)
        {
            var sd = Math.Sqrt(variance[c] + epsilon);
            for (var i = c * plane; i < (c + 1) * plane; i++)
                y.Data[i] = Math.Max(0.0, gamma[c] * (x.Data[i] - mean[c]) / sd + beta[c]);
        }
        return y;
    }

    /// <summary>Zero padding: <paramref name="before"/> rows/columns at the top and left, <paramref name="after"/> at the bottom and right.</summary>
    public static SeedTensor Pad(SeedTensor x, int before, int after)
    {
        var h = x.Height + before + after;
        var w = x.Width + before + after;
        var y = new SeedTensor(x.Channels, h, w);
        for (var c = 0; c < x.Channels; c++)
            for (var r = 0; r < x.Height; r++)
                Array.Copy(x.Data, (c * x.Height + r) * x.Width, y.Data, (c * h + r + before) * w + before, x.Width);
        return y;
    }

    public static SeedTensor MaxPool(SeedTensor x, int k, int stride) => Pool(x, k, stride, max: true);

    /// <summary>Average over the full k x k window (divides by k*k).</summary>
    public static SeedTensor AvgPool(SeedTensor x, int k, int stride) => Pool(x, k, stride, max: false);

    private static SeedTensor Pool(SeedTensor x, int k, int stride, bool max)
    {
        if (x.Height < k || x.Width < k)
            throw new ArgumentException($"input {x.Shape} smaller than pool window {k}");
        var oh = (x.Height - k) / stride + 1;
        var ow = (x.Width - k) / stride + 1;
        var y = new SeedTensor(x.Channels, oh, ow);
        for (var c = 0; c < x.Channels; c++)
            for (var oy = 0; oy < oh; oy++)
                for (var ox = 0; ox < ow; ox++)
                {
                    var acc = max ? double.NegativeInfinity : 0.0;
                    for (var ky = 0; ky < k; ky++)
                        for (var kx = 0; kx < k; kx++)
                        {
                            var v = x[c, oy * stride + ky, ox * stride + kx];
                            acc = max ? Math.Max(acc, v) : acc + v;
                        }
                    y.Data[(c * oh + oy) * ow + ox] = max ? acc : acc / (k * k);
                }
        return y;
    }

    public static SeedTensor Concat(params SeedTensor[] parts)
    {
        var h = parts[0].Height;
        var w = parts[0].Width;
        if (parts.Any(p => p.Height != h || p.Width != w))
            throw new ArgumentException("cannot concatenate " + string.Join(", ", parts.Select(p => p.Shape)));
        var y = new SeedTensor(parts.Sum(p => p.Channels), h, w);
        var offset = 0;
        foreach (var p in parts)
        {
            Array.Copy(p.Data, 0, y.Data, offset, p.Data.Length);
            offset += p.Data.Length;
        }
        return y;
    }

    /// <summary>out[o] = sum_i w[o, i] * x[i] + b[o], with <paramref name="weights"/> [out, in] row-major.</summary>
    public static double[] Dense(double[] x, double[] weights, double[] bias)
    {
        var outN = bias.Length;
        if (weights.Length != outN * x.Length)
            throw new ArgumentException($"dense weights hold {weights.Length} values, expected {outN}x{x.Length}");
        var y = new double[outN];
        for (var o = 0; o < outN; o++)
        {
            var acc = bias[o];
            for (var i = 0; i < x.Length; i++)
                acc += weights[o * x.Length + i] * x[i];
            y[o] = acc;
        }
        return y;
    }

    /// <summary>x / sqrt(max(sum x^2, 1e-12)), as TensorFlow's l2_normalize.</summary>
    public static double[] L2Normalize(double[] x)
    {
        var sum = 0.0;
        foreach (var v in x)
            sum += v * v;
        var norm = Math.Sqrt(Math.Max(sum, 1e-12));
        return Array.ConvertAll(x, v => v / norm);
    }
}
