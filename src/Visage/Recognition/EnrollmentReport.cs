namespace Visage.Recognition;

/// <summary>The outcome of every photo of an enrolment run.</summary>
public sealed record EnrollmentReport(IReadOnlyList<EnrollmentOutcome> Outcomes)
{
    public int Enrolled => Count(EnrollmentStatus.Enrolled);
    public int AlreadyEnrolled => Count(EnrollmentStatus.AlreadyEnrolled);
    public int Skipped => Count(EnrollmentStatus.NoFace) + Count(EnrollmentStatus.SeveralFaces);
    public int Failed => Count(EnrollmentStatus.Failed);

    private int Count(EnrollmentStatus status) => Outcomes.Count(o => o.Status == status);
}
