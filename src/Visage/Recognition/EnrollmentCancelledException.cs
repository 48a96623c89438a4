namespace Visage.Recognition;

/// <summary>
/// An enrolment stopped by cancellation. The batches committed before it (and the photos finished when it
/// came) are kept; <see cref="Report"/> lists them, so the next run resumes where this one stopped.
/// </summary>
public sealed class EnrollmentCancelledException(EnrollmentReport report, CancellationToken token)
    : OperationCanceledException($"enrolment cancelled after {report.Outcomes.Count} of {report.Total} photos", token)
{
    public EnrollmentReport Report { get; } = report;
}
