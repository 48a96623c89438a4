namespace Visage.Recognition;

/// <summary>Where a decision threshold came from (in JSON: explicit, calibrated, model).</summary>
public enum ThresholdSource
{
    /// <summary>Given for this call or run, overriding the others.</summary>
    Explicit,

    /// <summary>Calibrated for the gallery from its own people or photos (see <c>People.CalibrateAsync</c>).</summary>
    Calibrated,

    /// <summary>The model pack's, chosen on LFW (or the seed's 0.52).</summary>
    Model,
}
