using Visage.Speech;
using Visage.Video;

namespace Visage;

/// <summary>
/// The seed's welcome loop: watch a camera, a video file or a stream, recognise the people in it and greet them
/// by name, once each until a cooldown passes. Opening checks every setting and the source (so a bad camera or
/// file fails before any model loads); running recognises with <see cref="People"/>, exactly as
/// <c>People.Identify</c> does a photo.
/// <code>
/// await using var loop = await WelcomeLoop.OpenAsync(new WatchSettings { Source = new VideoSource.Camera(0) });
/// var summary = await loop.RunAsync(people);
/// </code>
/// </summary>
public sealed class WelcomeLoop : IAsyncDisposable
{
    private readonly WatchSettings _settings;
    private readonly VideoInput _input;
    private readonly ISpeaker? _speaker;
    private readonly Action<string> _warn;

    private WelcomeLoop(WatchSettings settings, VideoInput input, ISpeaker? speaker, Action<string> warn)
    {
        _settings = settings;
        _input = input;
        _speaker = speaker;
        _warn = warn;
    }

    public VideoSource Source => _settings.Source;
    public int FrameWidth => _input.FrameSize.Width;
    public int FrameHeight => _input.FrameSize.Height;

    /// <summary>The source's frame rate (files); live sources are timed by the clock.</summary>
    public double Fps => _input.Fps;

    /// <summary>Whether pictures are coming (false while a network stream is being reopened).</summary>
    public bool IsConnected => _input.IsConnected;

    /// <summary>Why the stream last went down or last failed to reopen (one line, password masked), if it ever did.</summary>
    public string? LastSourceError => _input.LastError;

    public GreetingPolicy Policy { get; private init; } = new();

    private volatile Watcher? _watcher;

    /// <summary>Frames read since <see cref="RunAsync"/> started (0 before); safe to read from any thread.</summary>
    public long FramesRead => _watcher?.FramesRead ?? 0;

    /// <summary>Frames recognised so far.</summary>
    public long FramesRecognised => _watcher?.FramesRecognised ?? 0;

    /// <summary>Frames read that a newer one replaced before recognition took them (the recogniser was busy).</summary>
    public long FramesDropped => _watcher?.FramesDropped ?? 0;

    /// <summary>
    /// Checks the settings, prepares the voice, and opens the source (reading its first frame, within the open
    /// timeout). <paramref name="warn"/> hears what goes wrong on the way without stopping the loop.
    /// </summary>
    public static async Task<WelcomeLoop> OpenAsync(WatchSettings settings, Action<string>? warn = null,
        CancellationToken ct = default)
    {
        warn ??= _ => { };
        var policy = settings.Policy ?? new GreetingPolicy(settings.ConfirmFrames, settings.WindowFrames, settings.Cooldown);
        if (settings.LogEveryFrame && settings.EventLog is null)
            throw new InvalidSettingException(VisageSetting.EventLog, "logging every frame needs an event log file to write to");
        if (settings.Pacing == FilePacing.EveryFrame && settings.Source.IsLive)
            throw new InvalidSettingException(VisageSetting.Pacing,
                "every frame can be recognised only from a video file (a live source cannot wait for recognition)");
        if (settings.OutputVideo is { } output) AnnotatedVideoWriter.CheckPath(output);
        if (settings.MinFaceSize < 0)
            throw new InvalidSettingException(VisageSetting.MinFaceSize, $"a minimum face size must be 0 or more pixels, not {settings.MinFaceSize}");
        var inputOptions = new VideoInputOptions
        {
            OpenTimeout = settings.OpenTimeout,
            StallTimeout = settings.StallTimeout,
            RtspTransport = settings.RtspTransport,
            FirstRetryDelay = settings.FirstRetryDelay,
            MaxRetryDelay = settings.MaxRetryDelay,
        };
        inputOptions.Validate();
        var speaker = ChooseSpeaker(settings, warn);
        var input = await VideoInput.OpenAsync(settings.Source, inputOptions, ct: ct);
        return new WelcomeLoop(settings, input, speaker, warn) { Policy = policy };
    }

    /// <summary>
    /// Runs until the video ends, the window is closed, or <paramref name="ct"/> is cancelled (which ends the
    /// loop like the others, as <see cref="WatchEnding.Interrupted"/>). Events go to the log, the hook, the
    /// voice and <paramref name="observer"/>; after an interruption what they have left gets a second to finish.
    /// </summary>
    public async Task<WatchSummary> RunAsync(People people, IWatchEventSink? observer = null, CancellationToken ct = default)
    {
        var sinks = new List<IWatchEventSink>();
        try
        {
            if (observer is not null) sinks.Add(observer);
            if (_settings.EventLog is { } log) sinks.Add(new EventLogSink(log, _warn));
            if (_settings.GreetCommand is { } hook) sinks.Add(new GreetHookSink(hook, _warn));
            if (_speaker is not null) sinks.Add(new GreetingVoice(_speaker, _warn));

            var options = new WatchOptions
            {
                Pacing = _settings.Pacing,
                OutputPath = _settings.OutputVideo,
                SnapshotFolder = _settings.SnapshotFolder,
                ShowWindow = _settings.ShowWindow && PreviewWindow.DisplayAvailable(),
                ReportRecognitions = _settings.LogEveryFrame,
                WindowTitle = _settings.WindowTitle,
                MinFaceSize = _settings.MinFaceSize,
                Strangers = _settings.Strangers ?? (_settings.ReportUnknownFaces
                    ? new StrangerPolicy(people.Threshold.Value, Policy.ConfirmFrames, Policy.WindowFrames, Policy.Cooldown)
                    : null),
                WallClockVotes = _settings.VoteOnWallClock,
                SnapshotJpegs = _settings.SnapshotJpegs,
                Preview = _settings.Preview,
            };
            if (_settings.Liveness && people.Recognizer.LivenessModel is null)
                throw new InvalidSettingException(VisageSetting.Liveness,
                    "a liveness check needs the recognizer loaded with a liveness network (RecognizerOptions.Liveness, or its LoadLivenessAsync)");
            var watcher = new Watcher(_input, new PeopleFrameRecognizer(people, _settings.Liveness), Policy, options, sinks, _warn);
            _watcher = watcher;
            var summary = await watcher.RunAsync(ct);

            using var drain = summary.Ending == WatchEnding.Interrupted
                ? new CancellationTokenSource(TimeSpan.FromSeconds(1))
                : new CancellationTokenSource();
            foreach (var sink in sinks) await sink.CompleteAsync(drain.Token);
            return summary;
        }
        finally
        {
            foreach (var sink in sinks.Where(s => !ReferenceEquals(s, observer)).OfType<IDisposable>()) sink.Dispose();
        }
    }

    private static ISpeaker? ChooseSpeaker(WatchSettings settings, Action<string> warn)
    {
        var engine = SpeechEngines.Named(settings.Voice);
        if (settings.SpeechFile is { } file)
        {
            if (engine is null)
                throw new InvalidSettingException(VisageSetting.SpeechFile, $"{file}: writing speech needs a voice, not '{settings.Voice}'");
            if (!SpeechEngines.IsInstalled(engine))
                throw new InvalidSettingException(VisageSetting.SpeechFile, $"{file}: {engine.Program} not found ({engine.InstallHint})");
            return new WaveFileSpeaker(engine, file);
        }
        if (engine is null) return null;
        if (SpeechEngines.IsInstalled(engine)) return new CommandSpeaker(engine);
        if (settings.VoiceRequired)
            throw new InvalidSettingException(VisageSetting.Voice, $"{engine.Program} not found ({engine.InstallHint})");
        warn($"{engine.Program} not found ({engine.InstallHint}): greetings will not be spoken");
        return null;
    }

    public ValueTask DisposeAsync()
    {
        _input.Dispose();
        return ValueTask.CompletedTask;
    }
}
