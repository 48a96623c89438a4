namespace Visage.Recognition;

/// <summary>Reported after each photo of an enrolment run; <see cref="Committed"/> photos are stored for good.</summary>
public sealed record EnrollmentProgress(int Done, int Total, EnrollmentOutcome Latest, int Committed);
