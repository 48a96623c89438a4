using Visage.Recognition;

namespace Visage.Json;

/// <summary>
/// One photo of an enrolment: <c>{"image","person","status","message","facesFound","faceId"}</c>, status one of
/// enrolled, already_enrolled, no_face, several_faces, failed.
/// </summary>
public sealed record EnrolledPhotoJson(string Image, string Person, EnrollmentStatus Status, string? Message,
    int? FacesFound, long? FaceId)
{
    public static EnrolledPhotoJson From(EnrollmentOutcome o) =>
        new(o.Source.Path, o.Source.Identity, o.Status, o.Message, o.FacesFound, o.FaceId);
}
