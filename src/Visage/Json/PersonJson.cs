using Visage.Storage;

namespace Visage.Json;

/// <summary>An enrolled person: <c>{"name","faces","createdAt","lastAddedAt","thumbnailFaceId"}</c>.</summary>
public sealed record PersonJson(string Name, int Faces, DateTimeOffset CreatedAt, DateTimeOffset? LastAddedAt,
    long? ThumbnailFaceId)
{
    public static PersonJson From(Person p) => new(p.Name, p.Faces, p.CreatedAt, p.LastAddedAt, p.ThumbnailFaceId);
}
