namespace Visage.Recognition;

/// <summary>Reported after each photo of an enrolment run.</summary>
public sealed record EnrollmentProgress(int Done, int Total, EnrollmentOutcome Latest);
