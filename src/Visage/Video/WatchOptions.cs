namespace Visage.Video;

/// <summary>What the watch loop does besides recognising: where it writes, what it shows, how it reads files.</summary>
internal sealed record WatchOptions
{
    public FilePacing Pacing { get; init; } = FilePacing.RealTime;

    /// <summary>The annotated video, one frame for every frame read.</summary>
    public string? OutputPath { get; init; }

    /// <summary>Where the frame of each greeting is saved as PNG.</summary>
    public string? SnapshotFolder { get; init; }

    /// <summary>Show the annotated frames in a window (Escape or q ends the loop).</summary>
    public bool ShowWindow { get; init; }

    /// <summary>Report every processed frame with faces as a recognition event, not only greetings.</summary>
    public bool ReportRecognitions { get; init; }

    public string WindowTitle { get; init; } = "visage watch";
}
