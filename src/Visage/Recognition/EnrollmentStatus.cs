namespace Visage.Recognition;

/// <summary>What happened to one photo of an enrolment (in JSON: enrolled, already_enrolled, no_face, several_faces, failed).</summary>
public enum EnrollmentStatus
{
    Enrolled,
    AlreadyEnrolled,
    NoFace,
    SeveralFaces,
    Failed,
}
