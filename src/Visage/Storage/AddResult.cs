namespace Visage.Storage;

/// <summary>What an add did: the faces stored, and those skipped because their image was enrolled already.</summary>
public sealed record AddResult(IReadOnlyList<NewFace> Added, IReadOnlyList<(NewFace Face, string EnrolledAs)> AlreadyEnrolled);
