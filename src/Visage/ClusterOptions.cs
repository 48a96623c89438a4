namespace Visage;

/// <summary>How unknown faces are grouped into people (see README, "Who are the strangers?").</summary>
public sealed record ClusterOptions
{
    /// <summary>Groups with fewer faces than this are left unassigned.</summary>
    public int MinClusterSize { get; init; } = 2;

    /// <summary>
    /// The grouping distance; null: 0.9 x the threshold that decides "known" (explicit, else the gallery's
    /// calibrated one, else the model's), the fraction measured on LFW.
    /// </summary>
    public float? Distance { get; init; }
}
