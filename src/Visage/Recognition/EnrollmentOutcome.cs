namespace Visage.Recognition;

/// <summary>What happened to one photo; <see cref="Message"/> says why for anything but a plain enrolment.</summary>
public sealed record EnrollmentOutcome(EnrollmentSource Source, EnrollmentStatus Status, string? Message = null);
