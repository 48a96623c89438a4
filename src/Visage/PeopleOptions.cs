namespace Visage;

/// <summary>How to open <see cref="People"/>.</summary>
public sealed record PeopleOptions
{
    /// <summary>Create the gallery file when it does not exist (for enrolling); otherwise a missing file is an error.</summary>
    public bool CreateIfMissing { get; init; }

    /// <summary>Only read the gallery (identify, list): a read-only file is fine, and nothing is ever written.</summary>
    public bool ReadOnly { get; init; }

    /// <summary>A threshold that overrides the gallery's calibrated one and the model's.</summary>
    public float? Threshold { get; init; }

    /// <summary>How long to wait for another process that is writing the gallery before giving up.</summary>
    public TimeSpan? LockTimeout { get; init; }

    /// <summary>Which search index to use and how (tests choose a small HNSW threshold).</summary>
    internal Search.FaceIndexOptions? Index { get; init; }
}
