namespace Visage.Recognition;

/// <summary>
/// The outcome of every photo of an enrolment run, in the order given. <see cref="Cancelled"/> runs stopped
/// early: the photos reported were kept (committed), the others were not looked at.
/// </summary>
public sealed record EnrollmentReport(IReadOnlyList<EnrollmentOutcome> Outcomes, int Total, bool Cancelled = false)
{
    public int Enrolled => Count(EnrollmentStatus.Enrolled);
    public int AlreadyEnrolled => Count(EnrollmentStatus.AlreadyEnrolled);
    public int Skipped => Count(EnrollmentStatus.NoFace) + Count(EnrollmentStatus.SeveralFaces);
    public int Failed => Count(EnrollmentStatus.Failed);

    /// <summary>How many distinct people gained a face.</summary>
    public int People => Outcomes.Where(o => o.Status == EnrollmentStatus.Enrolled)
        .Select(o => o.Source.Identity).Distinct(StringComparer.Ordinal).Count();

    private int Count(EnrollmentStatus status) => Outcomes.Count(o => o.Status == status);
}
