namespace Visage.Video;

/// <summary>
/// Something the watch loop saw: a greeting (the people greeted, the words, the snapshot saved), a
/// recognition (every face of a processed frame), or a network stream going down or coming back
/// (<see cref="Connection"/>; the frame is then the last one read). <see cref="Position"/> is on the source's
/// clock (a file's timeline); <see cref="Time"/> is the wall-clock time the frame was read, or of the change.
/// <see cref="Source"/> names the source (a stream's address masked).
/// </summary>
public sealed record WatchEvent(
    WatchEventKind Kind,
    DateTimeOffset Time,
    long Frame,
    TimeSpan Position,
    IReadOnlyList<string> Names,
    IReadOnlyList<RecognizedFace> Faces,
    string? Text = null,
    string? Snapshot = null)
{
    public string? Source { get; init; }

    public ConnectionEvent? Connection { get; init; }

    /// <summary>The annotated frame as JPEG, when the loop was asked to attach it (greetings and unknown faces).</summary>
    public byte[]? SnapshotJpeg { get; init; }

    /// <summary>For unknown faces: each face's crop (JPEG, unannotated, with a margin), in the order of <see cref="Faces"/>.</summary>
    public IReadOnlyList<byte[]>? FaceJpegs { get; init; }
}
