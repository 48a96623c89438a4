using OpenCvSharp;

namespace Visage.Imaging;

/// <summary>Brings whatever the decoder produced to 8-bit, 3-channel BGR (CV_8UC3).</summary>
internal static class PixelConversion
{
    /// <summary>
    /// Returns <paramref name="decoded"/> as CV_8UC3: a new Mat (and <paramref name="decoded"/>
    /// disposed), or <paramref name="decoded"/> itself when it is already CV_8UC3.
    /// Throws <see cref="NotSupportedException"/> for layouts no supported format produces.
    /// </summary>
    public static Mat ToBgr8(Mat decoded)
    {
        var current = decoded;
        try
        {
            current = Replace(current, ToDepth8(current));
            current = Replace(current, ToThreeChannels(current));
            return current;
        }
        catch
        {
            if (!ReferenceEquals(current, decoded))
                current.Dispose();
            throw;
        }
    }

    private static Mat ToDepth8(Mat src)
    {
        var scale = src.Depth() switch
        {
            MatType.CV_8U => 0.0,
            MatType.CV_16U => 1.0 / 257, // 65535 → 255
            MatType.CV_32F or MatType.CV_64F or MatType.CV_16F => 255.0, // floats are 0..1
            var d => throw new NotSupportedException($"unsupported pixel depth {d}"),
        };
        if (scale == 0.0)
            return src;
        var dst = new Mat();
        src.ConvertTo(dst, MatType.MakeType(MatType.CV_8U, src.Channels()), scale);
        return dst;
    }

    private static Mat ToThreeChannels(Mat src)
    {
        switch (src.Channels())
        {
            case 3:
                return src;
            case 1:
                return Convert(src, ColorConversionCodes.GRAY2BGR);
            case 2:
                using (var grey = CompositeOnWhite(src))
                    return Convert(grey, ColorConversionCodes.GRAY2BGR);
            case 4:
                return CompositeOnWhite(src);
            default:
                throw new NotSupportedException($"unsupported pixel layout with {src.Channels()} channels");
        }
    }

    private static Mat Convert(Mat src, ColorConversionCodes code)
    {
        var dst = new Mat();
        Cv2.CvtColor(src, dst, code);
        return dst;
    }

    /// <summary>
    /// Drops the last (alpha) channel by compositing onto white. Simply dropping alpha would
    /// expose whatever colour the encoder left under transparent pixels (often black or junk);
    /// white is deterministic and what viewers show.
    /// </summary>
    private static unsafe Mat CompositeOnWhite(Mat src)
    {
        int channels = src.Channels(), colours = channels - 1, rows = src.Rows, cols = src.Cols;
        var dst = new Mat(rows, cols, MatType.MakeType(MatType.CV_8U, colours));
        for (var y = 0; y < rows; y++)
        {
            var s = new ReadOnlySpan<byte>((void*)src.Ptr(y), cols * channels);
            var d = new Span<byte>((void*)dst.Ptr(y), cols * colours);
            for (int x = 0, si = 0, di = 0; x < cols; x++, si += channels, di += colours)
            {
                int alpha = s[si + colours];
                for (var c = 0; c < colours; c++)
                    d[di + c] = (byte)((s[si + c] * alpha + 255 * (255 - alpha) + 127) / 255);
            }
        }
        return dst;
    }

    private static Mat Replace(Mat old, Mat next)
    {
        if (!ReferenceEquals(old, next))
            old.Dispose();
        return next;
    }
}
