namespace Visage.Storage;

/// <summary>One enrolled face: whose it is, its encoding, and where it came from.</summary>
public sealed record GalleryFace(
    long Id,
    string Identity,
    float[] Embedding,
    string SourcePath,
    string ImageSha256,
    DateTimeOffset AddedAt);
