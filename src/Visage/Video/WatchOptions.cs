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

    /// <summary>Faces narrower or shorter than this many pixels are ignored (0: none are).</summary>
    public int MinFaceSize { get; init; }

    /// <summary>When set, unknown faces are reported as events, as this policy decides.</summary>
    public StrangerPolicy? Strangers { get; init; }

    /// <summary>Attach the annotated frame (JPEG) to greetings and unknown faces, and each unknown face's crop.</summary>
    public bool SnapshotJpegs { get; init; }

    /// <summary>When set, an annotated JPEG of the newest frame is published at most this often.</summary>
    public PreviewFeed? Preview { get; init; }

    public TimeSpan PreviewInterval { get; init; } = TimeSpan.FromMilliseconds(200);

    /// <summary>Vote on the wall clock (the time each frame was read) rather than the video's own.</summary>
    public bool WallClockVotes { get; init; }
}
