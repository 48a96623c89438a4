namespace Visage.Recognition;

/// <summary>A photo to enrol and the identity it shows.</summary>
public sealed record EnrollmentSource(string Path, string Identity);
