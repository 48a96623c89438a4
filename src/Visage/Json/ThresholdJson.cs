using Visage.Recognition;

namespace Visage.Json;

/// <summary>The threshold used: <c>{"value","source","note"}</c>, source one of explicit, calibrated, model.</summary>
public sealed record ThresholdJson(float Value, ThresholdSource Source, string? Note)
{
    public static ThresholdJson From(DecisionThreshold t) => new(t.Value, t.Source, t.Note);
}
