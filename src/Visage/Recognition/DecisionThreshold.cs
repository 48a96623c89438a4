namespace Visage.Recognition;

/// <summary>
/// The largest distance that still counts as the same person, and where it came from. The order is fixed:
/// an explicit threshold, else the gallery's calibrated one, else the model's.
/// </summary>
public sealed record DecisionThreshold(float Value, ThresholdSource Source, string? Note = null)
{
    public static DecisionThreshold Choose(float? explicitValue, float? calibrated, float model, string? calibrationNote = null)
    {
        if (explicitValue is { } given)
        {
            if (!(given > 0 && float.IsFinite(given)))
                throw new InvalidSettingException(VisageSetting.Threshold, $"a threshold must be a positive distance, not {given}");
            return new DecisionThreshold(given, ThresholdSource.Explicit);
        }
        return calibrated is { } value
            ? new DecisionThreshold(value, ThresholdSource.Calibrated, calibrationNote)
            : new DecisionThreshold(model, ThresholdSource.Model);
    }
}
