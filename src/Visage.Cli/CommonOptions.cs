using System.CommandLine;
using Visage.Detection;
using Visage.Imaging;
using Visage.Models;
using Visage.Recognition;

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

    public static readonly Option<string> Model = new("--model", "--pack")
    {
        Description = "Embedding model: a pack id (see 'visage models list') or seed:PATH for the seed article's FaceNet weights folder",
        DefaultValueFactory = _ => ModelCatalog.Default.Id,
        Recursive = true,
    };

    public static readonly Option<string> Detector = new("--detector")
    {
        Description = "Face detector: 'pack' (the model pack's own, UltraFace), 'haar' (the seed's Haar cascade) " +
                      "or 'blazeface' (MediaPipe BlazeFace, full range: smaller faces)",
        DefaultValueFactory = _ => "pack",
        Recursive = true,
    };

    public static IEnumerable<Option> Global => [Model, Detector, MaxMegapixels];

    public static ModelChoice ModelChoice(ParseResult result) =>
        Recognition.ModelChoice.Parse(result.GetValue(Model) ?? ModelCatalog.Default.Id);

    public static PipelineOptions PipelineOptions(ParseResult result) =>
        new(Detector: result.GetValue(Detector)?.ToLowerInvariant() switch
        {
            "pack" or "ultraface" or null => DetectorKind.Pack,
            "haar" => DetectorKind.Haar,
            "blazeface" => DetectorKind.BlazeFace,
            var other => throw new VisageException($"--detector: unknown detector '{other}' (use 'pack', 'haar' or 'blazeface')"),
        });

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
