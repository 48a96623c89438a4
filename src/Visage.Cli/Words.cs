using Visage.Recognition;

namespace Visage.Cli;

/// <summary>How the terminal output names the library's values.</summary>
internal static class Words
{
    public static string Of(ThresholdSource source) => source switch
    {
        ThresholdSource.Explicit => "given",
        ThresholdSource.Calibrated => "calibrated for this gallery",
        _ => "the model's",
    };
}
