namespace Visage.Video;

/// <summary>Why the watch loop ended.</summary>
public enum WatchEnding
{
    /// <summary>The video file ended, or a live source stopped giving pictures.</summary>
    EndOfVideo,

    /// <summary>Escape or q in the window, or the window was closed.</summary>
    Stopped,

    /// <summary>Ctrl+C (the loop's cancellation token).</summary>
    Interrupted,

    /// <summary>The source broke: a video file that ends well short of its length (see <see cref="WatchSummary.Error"/>).</summary>
    Failed,
}
