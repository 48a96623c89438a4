namespace Visage.Storage;

/// <summary>An enrolled person: name, how many faces, when first and last enrolled, and one face to show.</summary>
public sealed record Person(string Name, int Faces, DateTimeOffset CreatedAt, DateTimeOffset? LastAddedAt,
    long? ThumbnailFaceId);
