namespace Visage;

/// <summary>What went wrong with a model pack.</summary>
public enum ModelProblem
{
    /// <summary>No pack or model by that name.</summary>
    Unknown,

    /// <summary>The pack is not installed and fetching is turned off.</summary>
    NotInstalled,

    /// <summary>Fetching failed (npm missing, no network, a hash that does not match).</summary>
    FetchFailed,

    /// <summary>The installed files could not be loaded (damaged or partial).</summary>
    Damaged,

    /// <summary>User-supplied weights (the seed's folder) are missing or wrong.</summary>
    BadWeights,
}

/// <summary>A model pack that cannot be fetched or loaded.</summary>
public sealed class ModelException(string model, ModelProblem problem, string message, Exception? inner = null)
    : VisageException(message, inner)
{
    public string Model { get; } = model;
    public ModelProblem Problem { get; } = problem;
}
