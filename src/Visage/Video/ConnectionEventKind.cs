namespace Visage.Video;

public enum ConnectionEventKind
{
    /// <summary>A network stream went down (it ended, stalled or failed); reconnection starts.</summary>
    Disconnected,

    /// <summary>A reconnection attempt failed; another follows after a delay.</summary>
    Retrying,

    /// <summary>The stream is back: pictures come again.</summary>
    Reconnected,
}
