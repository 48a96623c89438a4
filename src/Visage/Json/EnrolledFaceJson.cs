using Visage.Storage;

namespace Visage.Json;

/// <summary>
/// One enrolled face of a person: <c>{"faceId","person","image","addedAt"}</c>; <c>image</c> names the photo it was
/// cut from (a file path, or an upload's name), nothing more.
/// </summary>
public sealed record EnrolledFaceJson(long FaceId, string Person, string Image, DateTimeOffset AddedAt)
{
    public static EnrolledFaceJson From(GalleryFace face) => new(face.Id, face.Identity, face.SourcePath, face.AddedAt);
}
