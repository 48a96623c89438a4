namespace Visage.Video;

/// <summary>
/// A source that stopped giving pictures, and why. The message says what happened without naming the source
/// (events name it apart; <see cref="VideoInput"/> puts it in front when it reports an error).
/// </summary>
internal sealed class StreamFailure(DisconnectReason reason, string message) : VisageException(message)
{
    public DisconnectReason Reason => reason;
}
