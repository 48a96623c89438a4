namespace Visage.Execution;

/// <summary>How a pipeline chooses the way each network runs.</summary>
public enum ExecutionTuning
{
    /// <summary>The plan cached for this machine, libraries and network; tuned (seconds) on first use.</summary>
    Auto,

    /// <summary>Tune again and replace the cached plans.</summary>
    Retune,

    /// <summary>No tuning: ONNX Runtime at its full optimisation level, as before plans existed.</summary>
    Off,
}
