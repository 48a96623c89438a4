using System.CommandLine;
using Visage.Imaging;

namespace Visage.Cli;

/// <summary>Options several commands share.</summary>
internal static class CommonOptions
{
    public static readonly Option<bool> Json = new("--json")
    {
        Description = "Write machine-readable JSON to standard output",
    };

    public static readonly Option<double> MaxMegapixels = new("--max-megapixels")
    {
        Description = "Refuse images larger than this many megapixels",
        DefaultValueFactory = _ => ImageLimits.Default.MaxPixels / 1e6,
        Recursive = true,
    };

    public static readonly Option<string> Db = new("--db")
    {
        Description = "Gallery file (SQLite)",
        DefaultValueFactory = _ => "visage.db",
    };

    public static readonly Option<float?> Threshold = new("--threshold")
    {
        Description = "Largest distance that still counts as the same person (default: the model pack's)",
    };

    public static IEnumerable<Option> Global => [MaxMegapixels];

    public static ImageLimits Limits(ParseResult result)
    {
        var megapixels = result.GetValue(MaxMegapixels);
        if (!(megapixels > 0))
            throw new VisageException($"--max-megapixels: must be a positive number, not {megapixels}");
        return new ImageLimits((long)(megapixels * 1e6));
    }

    public static float ThresholdOrDefault(ParseResult result, float packDefault)
    {
        var given = result.GetValue(Threshold);
        if (given is { } t && !(t > 0 && float.IsFinite(t)))
            throw new VisageException($"--threshold: must be a positive distance, not {t}");
        return given ?? packDefault;
    }
}
