using System.CommandLine;
using Spectre.Console;
using Visage.Video;

namespace Visage.Cli.Commands;

/// <summary>
/// The seed's welcome loop: watch a camera, a video file or a stream, recognise the people in it and greet
/// them by name, aloud, once each until a cooldown passes.
/// </summary>
internal static class WatchCommand
{
    /// <summary>
    /// A stopped watch finishes the frame in hand, closes the output video so it stays playable, and prints its
    /// summary; on a busy machine that can take more than the usual second.
    /// </summary>
    private static readonly TimeSpan WatchStopGrace = TimeSpan.FromSeconds(3);

    public static Command Create()
    {
        var camera = new Option<int?>("--camera")
        {
            HelpName = "N",
            Description = "Watch camera N (0 is usually the built-in one)",
        };
        var video = new Option<string?>("--video")
        {
            HelpName = "FILE",
            Description = "Watch a video file (played at its own frame rate)",
        };
        var url = new Option<string?>("--url")
        {
            HelpName = "URL",
            Description = "Watch a network stream: rtsp://, rtsps://, or http(s):// serving MJPEG or HLS " +
                          "(read through ffmpeg; reopened whenever it drops)",
        };
        var rtspTransport = new Option<string>("--rtsp-transport")
        {
            HelpName = "tcp|udp",
            Description = "How an rtsp:// stream's pictures travel: tcp (on the RTSP connection) or udp",
            DefaultValueFactory = _ => "tcp",
        };
        var stallTimeout = new Option<string>("--stall-timeout")
        {
            HelpName = "DURATION",
            Description = "Reopen a stream that gives no picture for this long",
            DefaultValueFactory = _ => "10s",
        };
        var confirm = CommonOptions.NumberOption("--confirm-frames",
            "Greet a person once recognised in this many of the last --window-frames processed frames", 3);
        var window = CommonOptions.NumberOption("--window-frames", "How many recent processed frames --confirm-frames counts in", 5);
        var cooldown = new Option<string>("--cooldown")
        {
            HelpName = "DURATION",
            Description = "Do not greet a person again until this long after their greeting (30s, 10m, 1h or seconds); " +
                          "measured on a video file's own timeline",
            DefaultValueFactory = _ => "10m",
        };
        var noWindow = new Option<bool>("--no-window")
        {
            Description = "Show no window (there is none anyway without a display)",
        };
        var output = new Option<string?>("--output")
        {
            HelpName = "FILE",
            Description = "Write the annotated video here (.mp4, .avi, .mkv, .mov, .m4v)",
        };
        var snapshot = new Option<string?>("--snapshot")
        {
            HelpName = "FOLDER",
            Description = "Save the frame of each greeting as PNG in this folder",
        };
        var events = new Option<string?>("--events")
        {
            HelpName = "FILE",
            Description = "Append each greeting as a JSON line to this file",
        };
        var eventsAll = new Option<bool>("--events-all")
        {
            Description = "With --events, also log every processed frame that has faces",
        };
        var onGreet = new Option<string?>("--on-greet")
        {
            HelpName = "COMMAND",
            Description = "Run this shell command at each greeting, with the greeting's JSON on its standard input",
        };
        var voice = new Option<string>("--voice")
        {
            HelpName = "VOICE",
            Description = "Who speaks: auto (espeak-ng on Linux, say on macOS, the Windows synthesiser), espeak-ng, say, windows, or none",
            DefaultValueFactory = _ => "auto",
        };
        var speakTo = new Option<string?>("--speak-to")
        {
            HelpName = "FILE",
            Description = "Write the greetings to this WAV file instead of the speaker",
        };
        var everyFrame = new Option<bool>("--every-frame")
        {
            Description = "Video files: recognise every frame, as fast as recognition allows, instead of playing in real time and dropping frames",
        };
        var openTimeout = new Option<string>("--open-timeout")
        {
            HelpName = "DURATION",
            Description = "Give up on a source that shows no picture within this long",
            DefaultValueFactory = _ => "10s",
        };

        var command = new Command("watch",
            "Watch a camera, video or stream and greet the people you know by name (the seed's welcome loop)")
        {
            camera, video, url, rtspTransport, stallTimeout, CommonOptions.Known, CommonOptions.Db, CommonOptions.ThresholdOption, confirm, window, cooldown,
            noWindow, output, snapshot, events, eventsAll, onGreet, voice, speakTo, everyFrame, openTimeout,
            CommonOptions.Liveness, CommonOptions.LivenessThreshold, CommonOptions.Json,
        };
        command.Validators.Add(CommonOptions.OneGallery);
        command.Validators.Add(result =>
        {
            if (new Option[] { camera, video, url }.Count(o => result.GetResult(o) is not null) != 1)
                result.AddError("watch needs exactly one of --camera N, --video FILE or --url URL");
            if (result.GetResult(eventsAll) is not null && result.GetResult(events) is null)
                result.AddError("--events-all needs --events FILE to write to");
            if (result.GetResult(rtspTransport) is { Implicit: false } && !IsRtsp(result.GetValue(url)))
                result.AddError("--rtsp-transport is only for --url rtsp://... or rtsps://...");
        });
        command.SetAction(CliRun.Action(async (run, ct) =>
        {
            var result = run.Result;
            VideoSource source = result.GetValue(camera) is { } index ? new VideoSource.Camera(index)
                : result.GetValue(video) is { } file ? new VideoSource.File(file)
                : new VideoSource.Url(result.GetValue(url)!);
            var settings = new WatchSettings
            {
                Source = source,
                OpenTimeout = DurationText.Parse(result.GetValue(openTimeout)!, "--open-timeout"),
                StallTimeout = DurationText.Parse(result.GetValue(stallTimeout)!, "--stall-timeout"),
                RtspTransport = result.GetValue(rtspTransport)!.ToLowerInvariant() switch
                {
                    "tcp" => RtspTransport.Tcp,
                    "udp" => RtspTransport.Udp,
                    var other => throw new UsageException($"--rtsp-transport: '{other}' is not tcp or udp"),
                },
                ConfirmFrames = result.GetValue(confirm),
                WindowFrames = result.GetValue(window),
                Cooldown = DurationText.Parse(result.GetValue(cooldown)!, "--cooldown"),
                Pacing = result.GetValue(everyFrame) ? FilePacing.EveryFrame : FilePacing.RealTime,
                OutputVideo = result.GetValue(output),
                SnapshotFolder = result.GetValue(snapshot),
                ShowWindow = !result.GetValue(noWindow),
                WindowTitle = $"visage watch {source}",
                EventLog = result.GetValue(events),
                LogEveryFrame = result.GetValue(eventsAll),
                GreetCommand = result.GetValue(onGreet),
                Voice = result.GetValue(voice)!,
                VoiceRequired = result.GetResult(voice) is { Implicit: false },
                SpeechFile = result.GetValue(speakTo),
                Liveness = CommonOptions.LivenessModel(result) is not null,
            };

            // The source is opened first: a wrong camera or file fails before any model loads.
            await using var loop = await WelcomeLoop.OpenAsync(settings, run.Warn, ct);
            run.Info($"{source}: {loop.FrameWidth}x{loop.FrameHeight}" + (source.IsLive ? "" : $" at {loop.Fps:0.##} fps"));
            using var recognizer = await run.LoadRecognizerAsync(ct);
            using var people = await run.OpenPeopleAsync(recognizer, result.GetValue(CommonOptions.Known),
                result.GetValue(CommonOptions.Db)!, ct);
            if (people.FaceCount == 0) throw new VisageException($"{people.Location}: nobody is enrolled yet");

            run.Info($"watching {source} for {people.PeopleCount} known people " +
                     $"(threshold {people.Threshold.Value:0.####}, {Words.Of(people.Threshold.Source)}; greet after {loop.Policy.ConfirmFrames} of {loop.Policy.WindowFrames} frames, " +
                     $"cooldown {DurationText.Format(loop.Policy.Cooldown)}){(source.IsLive ? "; Ctrl+C to stop" : "")}");
            var summary = await loop.RunAsync(people, new WatchPrinter(run), ct);
            Print(run, summary);
            // A broken video file: the summary says what it showed before it broke; the error why, and the exit fails.
            if (summary is { Ending: WatchEnding.Failed, Error: { } error }) throw new VideoException(summary.Source, error);
            return ExitCodes.Success;
        }, WatchStopGrace));
        return command;
    }

    private static bool IsRtsp(string? url) =>
        url is not null && (url.StartsWith("rtsp://", StringComparison.OrdinalIgnoreCase)
                            || url.StartsWith("rtsps://", StringComparison.OrdinalIgnoreCase));

    private static void Print(CliRun run, WatchSummary s)
    {
        if (run.Json)
        {
            run.WriteJson(new
            {
                s.Source, s.Ending, s.FramesRead, s.FramesProcessed, s.FramesDropped, s.FacesSeen, s.Greetings,
                Greeted = s.Greeted, MedianMilliseconds = Math.Round(s.MedianMilliseconds, 1), s.Disconnections,
                s.Reconnections, s.Error,
            });
            return;
        }
        var ending = s.Ending switch
        {
            WatchEnding.EndOfVideo => "end of video",
            WatchEnding.Stopped => "stopped in the window",
            WatchEnding.Failed => "broken video",
            _ => "interrupted",
        };
        run.Out.MarkupLineInterpolated($"{CliRun.Safe(s.Source)}: {ending}");
        if (s.Disconnections > 0)
            run.Out.MarkupLineInterpolated($"  stream: down {s.Disconnections} times, reconnected {s.Reconnections}");
        run.Out.MarkupLineInterpolated(
            $"  frames: {s.FramesRead} read, {s.FramesProcessed} processed, {s.FramesDropped} dropped");
        run.Out.MarkupLineInterpolated($"  faces seen: {s.FacesSeen}");
        run.Out.MarkupLineInterpolated(
            $"  greetings: {s.Greetings}{(s.Greeted.Count > 0 ? $" ({CliRun.Safe(string.Join(", ", s.Greeted))})" : "")}");
        run.Out.MarkupLineInterpolated($"  median processing: {s.MedianMilliseconds:0.0} ms per frame");
    }
}
