namespace Visage.Execution;

/// <summary>How a pipeline runs one of its networks, and where that plan came from.</summary>
internal sealed record NetworkPlanChoice(OnnxModel Model, ExecutionPlan Plan, PlanSource Source, TuningReport? Report)
{
    public string Network => Model.Name;
}

internal enum PlanSource
{
    /// <summary>Read from the plan cache of this machine.</summary>
    Cached,

    /// <summary>Tuned during this load.</summary>
    Tuned,

    /// <summary>Tuning was off: ONNX Runtime's defaults.</summary>
    Default,
}
