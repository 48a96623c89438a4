namespace Visage.Video;

/// <summary>One picture of a live preview: its number (counting up from 1), when it was read, and its JPEG bytes.</summary>
public sealed record PreviewFrame(long Sequence, DateTimeOffset Time, byte[] Jpeg);
