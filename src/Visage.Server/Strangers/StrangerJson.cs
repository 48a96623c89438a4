using Visage.Json;
using Visage.Recognition;

namespace Visage.Server.Strangers;

/// <summary>
/// The strangers: <c>{"model","fingerprint","clustering","groups","unassigned","faces","undo"}</c>; groups biggest
/// first; <c>unassigned</c> counts faces in no group yet, <c>faces</c> all faces kept; <c>undo</c> names the change an
/// undo would take back (merged, split, named) or is null.
/// </summary>
public sealed record StrangersJson(string Model, string Fingerprint, ClusteringJson Clustering,
    IReadOnlyList<StrangerGroupJson> Groups, int Unassigned, int Faces, string? Undo)
{
    public static StrangersJson From(PipelineFingerprint pipeline, StrangerGroups groups) => new(pipeline.ModelId, pipeline.Id,
        new ClusteringJson("average_linkage", MathF.Round(groups.Distance, 4), 2),
        groups.Groups.Select(StrangerGroupJson.From).ToList(), groups.Unassigned, groups.Faces, groups.Undo);
}

/// <summary>
/// A group of strangers: <c>{"cluster","faces","sightings","firstSeenAt","lastSeenAt","thumbnailFaceId"}</c>;
/// <c>cluster</c> is the id naming, merging and splitting take; <c>sightings</c> counts every time it was seen,
/// stored or only counted; <c>thumbnailFaceId</c> is the face to show
/// (<c>GET /api/strangers/faces/{id}/crop</c>).
/// </summary>
public sealed record StrangerGroupJson(long Cluster, IReadOnlyList<StrangerFaceJson> Faces, int Sightings,
    DateTimeOffset FirstSeenAt, DateTimeOffset LastSeenAt, long? ThumbnailFaceId)
{
    public static StrangerGroupJson From(StrangerGroup g) => new(g.Cluster, g.Faces.Select(StrangerFaceJson.From).ToList(),
        g.Sightings, g.FirstSeenAt, g.LastSeenAt, g.Faces.Count > 0 ? g.Faces[^1].FaceId : null);
}

/// <summary>A stranger's face: <c>{"faceId","cluster","image","seenAt"}</c>; <c>image</c> says where it was seen.</summary>
public sealed record StrangerFaceJson(long FaceId, long? Cluster, string Image, DateTimeOffset SeenAt)
{
    public static StrangerFaceJson From(StrangerFace f) => new(f.FaceId, f.Cluster, f.Source, f.SeenAt);
}

/// <summary>
/// A change to the strangers: <c>{"change","cluster","group","facesErased"}</c>; change is merged (group: the
/// group that kept the faces), split (group: the new group of the face) or deleted (facesErased).
/// </summary>
public sealed record StrangerChangeJson(string Change, long Cluster, StrangerGroupJson? Group, int? FacesErased);

/// <summary>
/// A group named: <c>{"change":"named","cluster","person","personCreated","enrolled","alreadyEnrolled"}</c>;
/// <c>person</c> as it is now, <c>enrolled</c> the gallery's new face ids.
/// </summary>
public sealed record StrangersNamedJson(string Change, long Cluster, PersonJson Person, bool PersonCreated,
    IReadOnlyList<long> Enrolled, int AlreadyEnrolled);

/// <summary>
/// An undo: <c>{"change":"undone","undone","groups","person","facesRemoved"}</c>; <c>undone</c> is the change taken
/// back, <c>groups</c> the groups as they are again, <c>person</c> and <c>facesRemoved</c> for a naming.
/// </summary>
public sealed record StrangersUndoneJson(string Change, string Undone, IReadOnlyList<StrangerGroupJson> Groups,
    string? Person, int FacesRemoved);

/// <summary><c>{"person"}</c>: who a group of strangers is (a new or an enrolled person).</summary>
public sealed record NameStrangersRequest(string? Person);

/// <summary><c>{"into"}</c>: the group that keeps the faces.</summary>
public sealed record MergeStrangersRequest(long? Into);

/// <summary><c>{"faceId"}</c>: the face to take out into a group of its own.</summary>
public sealed record SplitStrangerRequest(long? FaceId);
