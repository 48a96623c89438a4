using Visage.Recognition;

namespace Visage.Json;

/// <summary>
/// An enrolment run: the gallery, the model, the counts, and each photo. <c>cancelled</c> runs kept the photos
/// listed; <c>total</c> says how many were found.
/// </summary>
public sealed record EnrollmentJson(string Gallery, string Model, int Total, int Enrolled, int AlreadyEnrolled,
    int Skipped, int Failed, int People, bool Cancelled, IReadOnlyList<EnrolledPhotoJson> Photos)
{
    public static EnrollmentJson From(string gallery, string model, EnrollmentReport r) => new(gallery, model, r.Total,
        r.Enrolled, r.AlreadyEnrolled, r.Skipped, r.Failed, r.People, r.Cancelled,
        r.Outcomes.Select(EnrolledPhotoJson.From).ToList());
}
