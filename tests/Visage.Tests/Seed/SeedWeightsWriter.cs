using System.Globalization;
using System.Text;

namespace Visage.Tests.Seed;

public enum SeedLineLayout
{
    /// <summary>Alternate file by file between one line and several lines.</summary>
    Mixed,
    OneLine,
    MultiLine,
}

public sealed record SeedWeightsOptions
{
    public int Seed { get; init; } = 1;

    public SeedLineLayout Lines { get; init; } = SeedLineLayout.Mixed;

    /// <summary>All convolution kernels zero; biases, batch norms and the dense layer stay random.</summary>
    public bool ZeroConvolutions { get; init; }

    /// <summary>"R" or "G9": both give text that parses back to the identical float32.</summary>
    public string FloatFormat { get; init; } = "R";

    /// <summary>Spaces around separators, CRLF line ends and blank trailing lines in some files.</summary>
    public bool StrayWhitespace { get; init; }
}

/// <summary>
/// Writes a complete, random seed weights folder in the format of the seed's <c>weights/</c> folder.
/// </summary>
/// <remarks>
/// One file per tensor, named <c>&lt;tensor&gt;.csv</c> (see <see cref="SeedLayout.Files"/>): convolution
/// <c>L</c> gives <c>L_w.csv</c> (kernel [out, in, kh, kw] row-major) and <c>L_b.csv</c> (bias [out]); batch norm
/// <c>B</c> gives <c>B_w.csv</c> (gamma), <c>B_b.csv</c> (beta), <c>B_m.csv</c> (moving mean), <c>B_v.csv</c>
/// (moving variance); the dense layer gives <c>dense_w.csv</c> ([128, 736] row-major) and <c>dense_b.csv</c>.
/// The numbers are comma separated, in row-major order across lines: a multi-line file writes one line per
/// leading index (one output channel, one dense row) or ten numbers a line for vectors, with no comma at
/// line ends. Values are float32 written with the invariant culture in "R" or "G9" form, both of which parse
/// back to the identical float32. With <see cref="SeedWeightsOptions.StrayWhitespace"/> some files also get
/// spaces around commas, CRLF line ends, leading blanks and blank trailing lines.
/// </remarks>
public static class SeedWeightsWriter
{
    /// <summary>The values a folder with these options holds, keyed by file stem (<c>conv1_w</c>), row-major.</summary>
    public static IReadOnlyDictionary<string, float[]> Generate(SeedWeightsOptions? options = null)
    {
        options ??= new SeedWeightsOptions();
        var rng = new Random(options.Seed);
        var values = new Dictionary<string, float[]>();

        foreach (var c in SeedLayout.Convolutions)
        {
            // He scale keeps the activation size roughly constant through conv + ReLU; the batch norms
            // below scale by about gamma / sqrt(var) ~ 1, so nothing vanishes or explodes over the stack.
            var std = Math.Sqrt(2.0 / (c.In * c.Kh * c.Kw));
            var w = Fill(c.WeightCount, () => Normal(rng) * std);
            if (options.ZeroConvolutions)
                Array.Clear(w);
            values[c.Name + "_w"] = w;
            values[c.Name + "_b"] = Fill(c.Out, () => Normal(rng) * 0.05);
            values[c.BnName + "_w"] = Fill(c.Out, () => 0.5 + rng.NextDouble());
            values[c.BnName + "_b"] = Fill(c.Out, () => Normal(rng) * 0.1);
            values[c.BnName + "_m"] = Fill(c.Out, () => Normal(rng) * 0.1);
            values[c.BnName + "_v"] = Fill(c.Out, () => 0.5 + rng.NextDouble());
        }

        var denseStd = Math.Sqrt(1.0 / SeedLayout.DenseInputs);
        values["dense_w"] = Fill(SeedLayout.EncodingSize * SeedLayout.DenseInputs, () => Normal(rng) * denseStd);
        values["dense_b"] = Fill(SeedLayout.EncodingSize, () => Normal(rng) * 0.05);
        return values;
    }

    /// <summary>Writes every file of <see cref="SeedLayout.Files"/> into <paramref name="directory"/>
    /// (created if missing) and returns the values written.</summary>
    public static IReadOnlyDictionary<string, float[]> Write(string directory, SeedWeightsOptions? options = null)
    {
        options ??= new SeedWeightsOptions();
        if (options.FloatFormat is not ("R" or "G9"))
            throw new ArgumentException("FloatFormat must be \"R\" or \"G9\"", nameof(options));

        Directory.CreateDirectory(directory);
        var values = Generate(options);
        Parallel.For(0, SeedLayout.Files.Count, index =>
        {
            var file = SeedLayout.Files[index];
            var multiLine = options.Lines switch
            {
                SeedLineLayout.OneLine => false,
                SeedLineLayout.MultiLine => true,
                // Alternates kernels convolution by convolution and vectors file by file.
                _ => (index + index / 6) % 2 == 0,
            };
            var stray = options.StrayWhitespace && index % 3 != 2;
            var text = Format(file, values[file.Stem], multiLine, options.FloatFormat, stray, variant: index);
            File.WriteAllText(Path.Combine(directory, file.FileName), text, new UTF8Encoding(false));
        });
        return values;
    }

    private static string Format(SeedFile file, float[] data, bool multiLine, string format, bool stray, int variant)
    {
        var perLine = !multiLine ? data.Length : file.Shape.Length > 1 ? data.Length / file.Shape[0] : 10;
        var separator = stray ? (variant % 2 == 0 ? ", " : " ,") : ",";
        var newline = stray && variant % 4 == 1 ? "\r\n" : "\n";

        var sb = new StringBuilder(data.Length * 12);
        Span<char> buffer = stackalloc char[32];
        if (stray)
            sb.Append("  ");
        for (var i = 0; i < data.Length; i++)
        {
            if (i > 0)
            {
                if (i % perLine == 0)
                    sb.Append(newline);
                else
                    sb.Append(separator);
            }
            if (!data[i].TryFormat(buffer, out var written, format, CultureInfo.InvariantCulture))
                throw new InvalidOperationException("number too long to format");
            sb.Append(buffer[..written]);
        }
        if (stray)
            sb.Append(" \t").Append(newline).Append(newline);
        else if (multiLine)
            sb.Append(newline);
        return sb.ToString();
    }

    private static float[] Fill(int count, Func<double> next)
    {
        var a = new float[count];
        for (var i = 0; i < count; i++)
            a[i] = (float)next();
        return a;
    }

    private static double Normal(Random rng)
    {
        // Box-Muller; 1 - NextDouble() lies in (0, 1], so the log is finite.
        var u1 = 1.0 - rng.NextDouble();
        var u2 = rng.NextDouble();
        return Math.Sqrt(-2.0 * Math.Log(u1)) * Math.Cos(2.0 * Math.PI * u2);
    }
}
