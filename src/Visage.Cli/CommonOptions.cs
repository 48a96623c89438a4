using System.CommandLine;
using System.CommandLine.Parsing;
using System.Globalization;
using Visage.Detection;
using Visage.Imaging;

namespace Visage.Cli;

/// <summary>Options several commands share, and the parsing of numbers that says which option was wrong.</summary>
internal static class CommonOptions
{
    public static readonly Option<bool> Json = new("--json")
    {
        Description = "Write machine-readable JSON to standard output (see README, 'The JSON contract')",
    };

    public static readonly Option<double> MaxMegapixels = NumberOption<double>("--max-megapixels",
        "Refuse images larger than this many megapixels, before decoding them", ImageLimits.Default.MaxPixels / 1e6,
        recursive: true);

    /// <summary>The environment variable that names the gallery when --db/--store is not given.</summary>
    public const string StoreVariable = "VISAGE_STORE";

    public static readonly Option<string> Db = new("--db", "--store")
    {
        HelpName = "FILE|URL",
        Description = "Gallery: a SQLite file, or a PostgreSQL store shared by several machines, " +
                      "postgres://USER:PASSWORD@HOST:PORT/DATABASE (default: $VISAGE_STORE, else visage.db)",
        DefaultValueFactory = _ => Environment.GetEnvironmentVariable(StoreVariable) is { Length: > 0 } store ? store : "visage.db",
    };

    public static readonly Option<float?> ThresholdOption = NullableNumberOption<float>("--threshold",
        "Largest distance that still counts as the same person (default: the gallery's calibrated one, else the model's)");

    public static readonly Option<string?> Known = new("--known")
    {
        HelpName = "FOLDER",
        Description = "Folder of known people (FOLDER/NAME.jpg or FOLDER/NAME/*.jpg); enrolled once into the cache and kept in step with the folder",
    };

    public static readonly Option<string> Model = new("--model", "--pack")
    {
        Description = "Model pack (see 'visage models list') or seed:PATH for the seed article's FaceNet weights folder",
        DefaultValueFactory = _ => ModelPacks.DefaultId,
        Recursive = true,
    };

    public static readonly Option<string> Detector = new("--detector")
    {
        Description = "Face detector: 'pack' (the model pack's own: UltraFace, or BlazeFace front for faceplugin-fast), 'haar' (the seed's Haar cascade) " +
                      "or 'blazeface' (MediaPipe BlazeFace, full range: smaller faces)",
        DefaultValueFactory = _ => "pack",
        Recursive = true,
    };

    public static readonly Option<string> DetectorInput = new("--detector-input")
    {
        Description = "How UltraFace sees a photo: 'squeeze' (to its 320x240, as published) or 'fit' (the photo's " +
                      "aspect within as many pixels, never enlarged)",
        DefaultValueFactory = _ => "squeeze",
        Recursive = true,
    };

    public static IEnumerable<Option> Global => [Model, Detector, DetectorInput, MaxMegapixels];

    public static readonly Option<bool> Liveness = new("--liveness")
    {
        Description = $"Check each face for liveness ({Visage.RecognizerOptions.DefaultLivenessModel}): a face that fails " +
                      "(a photo or a screen held up) is never identified nor greeted",
    };

    public static readonly Option<float?> LivenessThreshold = NullableNumberOption<float>("--liveness-threshold",
        "Liveness score a face needs to pass (0..1; default the model's, 0.5): with --liveness, or in serve for every liveness check it makes");

    /// <summary>
    /// The liveness model the command's --liveness asks for (null: none); on a command that has --liveness, a
    /// threshold without it is an error (serve has none: its threshold is for the network it loads on first need).
    /// </summary>
    public static string? LivenessModel(ParseResult result)
    {
        var offered = result.CommandResult.Command.Options.Contains(Liveness);
        var wanted = offered && result.GetValue(Liveness);
        if (offered && !wanted && result.GetResult(LivenessThreshold) is { Implicit: false })
            throw new UsageException("--liveness-threshold: needs --liveness");
        return wanted ? Visage.RecognizerOptions.DefaultLivenessModel : null;
    }

    public static RecognizerOptions RecognizerOptions(ParseResult result, VisageHome home) => new()
    {
        Model = result.GetValue(Model) ?? ModelPacks.DefaultId,
        Detector = result.GetValue(Detector)?.ToLowerInvariant() switch
        {
            "pack" or "ultraface" or null => DetectorKind.Pack,
            "haar" => DetectorKind.Haar,
            "blazeface" => DetectorKind.BlazeFace,
            var other => throw new UsageException($"--detector: unknown detector '{other}' (use 'pack', 'haar' or 'blazeface')"),
        },
        DetectorInput = result.GetValue(DetectorInput)?.ToLowerInvariant() switch
        {
            "squeeze" or null => Detection.DetectorInput.Squeezed,
            "fit" => Detection.DetectorInput.Fitted,
            var other => throw new UsageException($"--detector-input: unknown way '{other}' (use 'squeeze' or 'fit')"),
        },
        Limits = Limits(result),
        Home = home,
        Liveness = LivenessModel(result),
        LivenessThreshold = result.GetResult(LivenessThreshold) is null ? null : result.GetValue(LivenessThreshold),
    };

    public static ImageLimits Limits(ParseResult result) => ImageLimits.FromMegapixels(result.GetValue(MaxMegapixels));

    public static float? Threshold(ParseResult result) => result.GetValue(ThresholdOption);

    /// <summary>Refuses --known with an explicit --db: a command reads one gallery.</summary>
    public static void OneGallery(CommandResult result)
    {
        if (result.GetResult(Known) is not null && result.GetResult(Db) is { Implicit: false })
            result.AddError("--known and --db/--store cannot be used together: pick one gallery");
    }

    /// <summary>A number option whose parse error names the option and the text, not a .NET type.</summary>
    public static Option<T> NumberOption<T>(string name, string description, T defaultValue, bool recursive = false)
        where T : struct, IParsable<T> => new(name)
    {
        Description = description,
        DefaultValueFactory = _ => defaultValue,
        Recursive = recursive,
        CustomParser = argument => Parse<T>(argument, name) ?? defaultValue,
    };

    public static Option<T?> NullableNumberOption<T>(string name, string description)
        where T : struct, IParsable<T> => new(name)
    {
        Description = description,
        CustomParser = argument => Parse<T>(argument, name),
    };

    private static T? Parse<T>(ArgumentResult argument, string name) where T : struct, IParsable<T>
    {
        if (argument.Tokens.Count == 0) return null;
        var text = argument.Tokens[^1].Value;
        if (T.TryParse(text, CultureInfo.InvariantCulture, out var value)) return value;
        argument.AddError($"{name}: '{text}' is not {(typeof(T) == typeof(int) ? "a whole number" : "a number")}");
        return null;
    }
}
