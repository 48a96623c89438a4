namespace Visage.Video;

/// <summary>Why a network stream went down.</summary>
public enum DisconnectReason
{
    /// <summary>The server ended the stream (it closed the connection, or the stream finished).</summary>
    Ended,

    /// <summary>No picture came for the stall timeout while the connection stayed open.</summary>
    Stalled,

    /// <summary>Reading failed: the connection broke, or the server sent what is not video.</summary>
    Failed,
}
