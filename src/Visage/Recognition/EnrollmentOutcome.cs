namespace Visage.Recognition;

/// <summary>
/// What happened to one photo; <see cref="Message"/> says why for anything but a plain enrolment, and
/// <see cref="FacesFound"/> how many faces the photo showed (when it was looked at).
/// </summary>
public sealed record EnrollmentOutcome(EnrollmentSource Source, EnrollmentStatus Status, string? Message = null,
    int? FacesFound = null, long? FaceId = null);
