using Visage.Video;

namespace Visage;

/// <summary>
/// Everything about a welcome loop but the people it knows: the source, when to greet, where to write, who
/// speaks. The defaults are the seed's: greet after 3 of the last 5 frames, not again for 10 minutes.
/// </summary>
public sealed record WatchSettings
{
    public required VideoSource Source { get; init; }

    /// <summary>Give up on a source that shows no picture within this long (and on each attempt to reopen a stream).</summary>
    public TimeSpan OpenTimeout { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>A network stream that gives no picture for this long is dropped and reopened.</summary>
    public TimeSpan StallTimeout { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>The wait before the first attempt to reopen a stream; each failed attempt doubles it, up to <see cref="MaxRetryDelay"/>.</summary>
    public TimeSpan FirstRetryDelay { get; init; } = TimeSpan.FromSeconds(1);

    public TimeSpan MaxRetryDelay { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>How an rtsp:// or rtsps:// stream's pictures travel.</summary>
    public RtspTransport RtspTransport { get; init; } = RtspTransport.Tcp;

    /// <summary>Greet a person once recognised in this many of the last <see cref="WindowFrames"/> processed frames.</summary>
    public int ConfirmFrames { get; init; } = 3;

    public int WindowFrames { get; init; } = 5;

    /// <summary>No second greeting of a person until this long after the first (a video file's own time).</summary>
    public TimeSpan Cooldown { get; init; } = TimeSpan.FromMinutes(10);

    public FilePacing Pacing { get; init; } = FilePacing.RealTime;

    /// <summary>Write the annotated video here (.mp4, .m4v, .mov, .avi, .mkv).</summary>
    public string? OutputVideo { get; init; }

    /// <summary>Save the annotated frame of each greeting as PNG in this folder.</summary>
    public string? SnapshotFolder { get; init; }

    /// <summary>Show the annotated frames in a window when a display is there.</summary>
    public bool ShowWindow { get; init; }

    public string WindowTitle { get; init; } = "Visage";

    /// <summary>Append each event as a JSON line to this file.</summary>
    public string? EventLog { get; init; }

    /// <summary>Log every processed frame that has faces, not only greetings.</summary>
    public bool LogEveryFrame { get; init; }

    /// <summary>A shell command run at each greeting, with the greeting's JSON line on its standard input.</summary>
    public string? GreetCommand { get; init; }

    /// <summary>Who says the greetings: auto (the platform's), espeak-ng, say, windows, or none.</summary>
    public string Voice { get; init; } = "auto";

    /// <summary>
    /// Whether the voice was asked for by name: then a missing speech program is an error; otherwise it is a
    /// warning and greetings go unspoken.
    /// </summary>
    public bool VoiceRequired { get; init; }

    /// <summary>Write the greetings into this WAV file instead of the speaker.</summary>
    public string? SpeechFile { get; init; }

    /// <summary>
    /// Check every face of this source for liveness and never greet one that fails (a photo or a screen held
    /// up): the recognizer must have a liveness network (<see cref="RecognizerOptions.Liveness"/>, or
    /// <see cref="FaceRecognizer.LoadLivenessAsync"/>).
    /// Off, faces of this source are not checked even when the recognizer could (one recognizer, several cameras).
    /// </summary>
    public bool Liveness { get; init; }

    /// <summary>Ignore faces narrower or shorter than this many pixels (0: none are ignored).</summary>
    public int MinFaceSize { get; init; }

    /// <summary>
    /// Report strangers as <see cref="WatchEventKind.Unknown"/> events: a stranger seen in <see cref="ConfirmFrames"/>
    /// of the last <see cref="WindowFrames"/> frames, at most once per <see cref="Cooldown"/>.
    /// </summary>
    public bool ReportUnknownFaces { get; init; }

    /// <summary>Attach the annotated frame (JPEG) to greeting and unknown-face events, and each stranger's face crop.</summary>
    public bool SnapshotJpegs { get; init; }

    /// <summary>
    /// The vote to carry on, from a loop run before: a caller that opens the source again (a service replaying a
    /// file, reopening a camera) keeps who was greeted when. When given, <see cref="ConfirmFrames"/>,
    /// <see cref="WindowFrames"/> and <see cref="Cooldown"/> are the policy's own.
    /// </summary>
    public GreetingPolicy? Policy { get; init; }

    /// <summary>Likewise for strangers; when given, unknown faces are reported as it decides.</summary>
    public StrangerPolicy? Strangers { get; init; }

    /// <summary>
    /// Count the votes and cooldowns on the wall clock, not on the video's own (whose clock starts again each time
    /// the source is opened): for policies carried from one loop to the next.
    /// </summary>
    public bool VoteOnWallClock { get; init; }

    /// <summary>Publish an annotated JPEG of the newest frame here, a few times a second (a live preview).</summary>
    public PreviewFeed? Preview { get; init; }
}
