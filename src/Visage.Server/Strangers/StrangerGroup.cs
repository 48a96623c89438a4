namespace Visage.Server.Strangers;

/// <summary>A group of strangers: its id, its faces (oldest first), how often it was seen, first and last.</summary>
public sealed record StrangerGroup(long Cluster, IReadOnlyList<StrangerFace> Faces, int Sightings,
    DateTimeOffset FirstSeenAt, DateTimeOffset LastSeenAt);

/// <summary>One stored face of a stranger (its crop is fetched apart).</summary>
public sealed record StrangerFace(long FaceId, long? Cluster, string Source, DateTimeOffset SeenAt);

/// <summary>Every group, biggest first, and how many faces stand alone (in no group yet).</summary>
public sealed record StrangerGroups(IReadOnlyList<StrangerGroup> Groups, int Unassigned, int Faces, float Distance,
    string? Undo);

/// <summary>A group named: the person it was enrolled as (and whether naming created them), the gallery's new face ids.</summary>
public sealed record NamedGroup(long Cluster, string Person, bool PersonCreated, IReadOnlyList<long> Enrolled,
    int AlreadyEnrolled);

/// <summary>What an undo restored: which change, and the groups as they are again.</summary>
public sealed record UndoneChange(string Change, IReadOnlyList<StrangerGroup> Groups, string? Person, int FacesRemovedFromPerson);
