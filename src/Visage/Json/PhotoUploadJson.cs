using Visage.Recognition;

namespace Visage.Json;

/// <summary>
/// One uploaded photo of a person: an enrolled photo (<c>{"image","person","status","message","facesFound",
/// "faceId"}</c>) plus <c>"boxes"</c>, where the faces were when the photo was refused for showing none or several.
/// </summary>
public sealed record PhotoUploadJson(string Image, string Person, EnrollmentStatus Status, string? Message,
    int? FacesFound, long? FaceId, IReadOnlyList<BoxJson> Boxes)
{
    public static PhotoUploadJson From(EnrollmentOutcome o) =>
        new(o.Source.Path, o.Source.Identity, o.Status, o.Message, o.FacesFound, o.FaceId, []);

    /// <summary>A photo refused because it showed no face, or several (<paramref name="refusal"/> says where).</summary>
    public static PhotoUploadJson Refused(string image, string person, FaceCountException refusal) =>
        new(image, person, refusal.NoFace ? EnrollmentStatus.NoFace : EnrollmentStatus.SeveralFaces, refusal.Message,
            refusal.Boxes.Count, null, refusal.Boxes.Select(BoxJson.From).ToList());
}
