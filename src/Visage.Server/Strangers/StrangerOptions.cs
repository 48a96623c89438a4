namespace Visage.Server.Strangers;

/// <summary>
/// How the service keeps the strangers it sees: whether at all, and the bounds that stop the store growing
/// forever (a cap on faces, the oldest going first; a retention period; a cap per group, beyond which a
/// stranger seen again is counted, not stored again).
/// </summary>
public sealed record StrangerOptions
{
    /// <summary>Keep unknown faces from recognize and live frames (and cameras) at all.</summary>
    public bool Enabled { get; init; } = true;

    /// <summary>Faces kept at most; past it the oldest sightings are erased (down to nine tenths of it, at once).</summary>
    public int MaxFaces { get; init; } = 2000;

    /// <summary>Faces kept per group at most; a group's later sightings only count.</summary>
    public int MaxFacesPerGroup { get; init; } = 24;

    /// <summary>Faces seen longer ago than this are erased.</summary>
    public TimeSpan Retention { get; init; } = TimeSpan.FromDays(30);

    /// <summary>How many merges, splits and namings can be undone, newest first.</summary>
    public int UndoDepth { get; init; } = 20;
}
