namespace Visage.Storage;

/// <summary>What an add did: the faces stored (with their new ids), and those whose image was enrolled already.</summary>
internal sealed record AddResult(IReadOnlyList<(NewFace Face, long Id)> Added,
    IReadOnlyList<(NewFace Face, string EnrolledAs)> AlreadyEnrolled);
