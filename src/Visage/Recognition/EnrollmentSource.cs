namespace Visage.Recognition;

/// <summary>
/// A photo to enrol and the person it shows (the name as found, before <see cref="PersonName"/> checks it).
/// A source with a <see cref="Problem"/> was found but cannot be used (a symlink loop); it is reported, not read.
/// </summary>
public sealed record EnrollmentSource(string Path, string Identity, string? Problem = null);
