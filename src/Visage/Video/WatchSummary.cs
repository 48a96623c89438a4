namespace Visage.Video;

/// <summary>
/// How a watch went: frames read, recognised and dropped (read but never recognised because a newer frame
/// came first), faces seen in recognised frames, greetings and the people greeted (in order), and the median
/// time to recognise a frame; for a network stream, how often it went down and came back; and why the source
/// broke, when it did.
/// </summary>
public sealed record WatchSummary(
    string Source,
    WatchEnding Ending,
    long FramesRead,
    long FramesProcessed,
    long FacesSeen,
    int Greetings,
    IReadOnlyList<string> Greeted,
    double MedianMilliseconds)
{
    public long FramesDropped => FramesRead - FramesProcessed;

    public int Disconnections { get; init; }

    public int Reconnections { get; init; }

    /// <summary>Why the loop ended with <see cref="WatchEnding.Failed"/>: one line naming the source.</summary>
    public string? Error { get; init; }
}
