namespace Visage.Video;

public enum WatchEventKind
{
    /// <summary>People were greeted.</summary>
    Greeting,

    /// <summary>A processed frame had faces in it (logged only when every frame is asked for).</summary>
    Recognition,

    /// <summary>The network stream went down; reconnection starts.</summary>
    Disconnected,

    /// <summary>A reconnection attempt failed; another follows.</summary>
    Retrying,

    /// <summary>The network stream is back.</summary>
    Reconnected,

    /// <summary>A source opened (a service's camera came up; a loop that had a source report it down first says <see cref="Reconnected"/>).</summary>
    Connected,

    /// <summary>A stranger was seen (reported only when asked for, at most once per stranger per cooldown).</summary>
    Unknown,
}
