namespace Visage.Video;

/// <summary>
/// Something the watch loop saw: a greeting (the people greeted, the words, the snapshot saved) or a
/// recognition (every face of a processed frame). <see cref="Position"/> is on the source's clock (a file's
/// timeline); <see cref="Time"/> is the wall-clock time the frame was read.
/// </summary>
public sealed record WatchEvent(
    WatchEventKind Kind,
    DateTimeOffset Time,
    long Frame,
    TimeSpan Position,
    IReadOnlyList<string> Names,
    IReadOnlyList<RecognizedFace> Faces,
    string? Text = null,
    string? Snapshot = null);
