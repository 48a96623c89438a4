namespace Visage.Server;

/// <summary>How <c>visage serve</c> runs: where it listens, its gallery and data folder, and its limits.</summary>
public sealed record ServerOptions
{
    public const string DefaultUrl = "http://127.0.0.1:5170";

    /// <summary>Addresses to listen on (';'-separated, as ASP.NET Core's --urls).</summary>
    public string Urls { get; init; } = DefaultUrl;

    /// <summary>The gallery file; created on first start when missing.</summary>
    public string Gallery { get; init; } = "visage.db";

    /// <summary>The service's own files: API keys (hashes only), the calibration plot; owner-only.</summary>
    public required string DataFolder { get; init; }

    /// <summary>A threshold that overrides the gallery's calibrated one and the model's.</summary>
    public float? Threshold { get; init; }

    /// <summary>The largest request body accepted (uploads included), in bytes.</summary>
    public long MaxRequestBytes { get; init; } = 10 * 1024 * 1024;

    /// <summary>Requests each key (or each address, for requests without a valid key) may make per period; 0 turns the limit off.</summary>
    public int RateLimit { get; init; } = 60;

    /// <summary>The period <see cref="RateLimit"/> counts over; unused requests do not pile up beyond one period's worth.</summary>
    public TimeSpan RatePeriod { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>How many candidates each recognised face lists at most, unless a request asks for fewer or more.</summary>
    public int Candidates { get; init; } = 3;

    /// <summary>The greeting vote of the page's live view (as <c>visage watch</c>): K of the last M frames, then a cooldown.</summary>
    public int ConfirmFrames { get; init; } = 3;

    public int WindowFrames { get; init; } = 5;

    public TimeSpan Cooldown { get; init; } = TimeSpan.FromMinutes(10);

    /// <summary>Camera events and their snapshots older than this are deleted.</summary>
    public TimeSpan Retention { get; init; } = TimeSpan.FromDays(30);

    /// <summary>Run the configured cameras (tests of the API alone turn them off).</summary>
    public bool RunCameras { get; init; } = true;

    /// <summary>How cameras open and keep their sources: open and stall timeouts, the delays between attempts.</summary>
    public CameraTimings CameraTimings { get; init; } = new();

    /// <summary>How webhooks are called: the timeout of one attempt, how many attempts, the first delay between them.</summary>
    public WebhookTimings WebhookTimings { get; init; } = new();

    /// <summary>Whether and how long unknown faces are kept and grouped (the Strangers view).</summary>
    public Strangers.StrangerOptions Strangers { get; init; } = new();

    /// <summary>Create an admin key on a start that finds none, and print it once.</summary>
    public bool CreateFirstAdminKey { get; init; } = true;

    /// <summary>The data folder <c>visage serve</c> uses unless told otherwise.</summary>
    public static string DefaultDataFolder(VisageHome home) => Path.Combine(home.Root, "service");
}

/// <summary>A camera's timeouts: no picture within <see cref="Open"/> fails an attempt, none for <see cref="Stall"/> drops the
/// stream; attempts to reopen wait from <see cref="FirstRetry"/>, doubling, up to <see cref="MaxRetry"/>.</summary>
public sealed record CameraTimings
{
    public TimeSpan Open { get; init; } = TimeSpan.FromSeconds(10);
    public TimeSpan Stall { get; init; } = TimeSpan.FromSeconds(10);
    public TimeSpan FirstRetry { get; init; } = TimeSpan.FromSeconds(1);
    public TimeSpan MaxRetry { get; init; } = TimeSpan.FromSeconds(30);
}

/// <summary>A webhook attempt gives up after <see cref="Timeout"/>; an event is tried <see cref="Attempts"/> times,
/// waiting <see cref="FirstRetry"/> and doubling between attempts.</summary>
public sealed record WebhookTimings
{
    public TimeSpan Timeout { get; init; } = TimeSpan.FromSeconds(10);
    public int Attempts { get; init; } = 5;
    public TimeSpan FirstRetry { get; init; } = TimeSpan.FromSeconds(2);
}
