namespace Visage.Server.Strangers;

/// <summary>Why a change to the strangers was refused; <see cref="Field"/> names the input at fault.</summary>
public sealed class StrangerException(StrangerProblem problem, string field, string message) : VisageException(message)
{
    public StrangerProblem Problem { get; } = problem;

    /// <summary>The request field or route value at fault: cluster, into, faceId, person, undo.</summary>
    public string Field { get; } = field;
}

public enum StrangerProblem
{
    /// <summary>No such group or face.</summary>
    NotFound,

    /// <summary>The change cannot apply as things are (nothing to undo, a split of a group's only face).</summary>
    Conflict,

    /// <summary>The input itself is wrong (a merge of a group into itself).</summary>
    Invalid,
}
