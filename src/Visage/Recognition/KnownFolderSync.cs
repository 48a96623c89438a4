namespace Visage.Recognition;

/// <summary>What bringing a known-people folder's gallery in step did: the enrolment, and faces erased.</summary>
public sealed record KnownFolderSync(EnrollmentReport Enrollment, int FacesRemoved);
