namespace Visage.Recognition;

public enum EnrollmentStatus
{
    Enrolled,
    AlreadyEnrolled,
    NoFace,
    SeveralFaces,
    Failed,
}
