using System.CommandLine;
using Spectre.Console;
using Visage.Recognition;
using Visage.Speech;
using Visage.Video;

namespace Visage.Cli.Commands;

/// <summary>
/// The seed's welcome loop: watch a camera, a video file or a stream, recognise the people in it and greet
/// them by name, aloud, once each until a cooldown passes.
/// </summary>
internal static class WatchCommand
{
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
                          "(read through ffmpeg; reconnected whenever it drops)",
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
            Description = "Reconnect a stream that gives no picture for this long",
            DefaultValueFactory = _ => "10s",
        };
        var known = new Option<string?>("--known")
        {
            HelpName = "FOLDER",
            Description = "Folder of known people (FOLDER/NAME.jpg or FOLDER/NAME/*.jpg); enrolled once and cached",
        };
        var confirm = new Option<int>("--confirm-frames")
        {
            HelpName = "K",
            Description = "Greet a person once recognised in this many of the last --window-frames processed frames",
            DefaultValueFactory = _ => 3,
        };
        var window = new Option<int>("--window-frames")
        {
            HelpName = "M",
            Description = "How many recent processed frames --confirm-frames counts in",
            DefaultValueFactory = _ => 5,
        };
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
            DefaultValueFactory = _ => SpeechEngines.Auto,
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
            camera, video, url, rtspTransport, stallTimeout, known, CommonOptions.Db, CommonOptions.Threshold, confirm, window, cooldown, noWindow,
            output, snapshot, events, eventsAll, onGreet, voice, speakTo, everyFrame, openTimeout, CommonOptions.Json,
        };
        command.SetAction(CliRun.Action(async (run, ct) =>
        {
            var result = run.Result;
            if (new Option[] { camera, video, url }.Count(o => result.GetResult(o) is not null) != 1)
                throw new VisageException("watch needs exactly one of --camera N, --video FILE or --url URL");
            if (result.GetResult(known) is not null && result.GetResult(CommonOptions.Db) is { Implicit: false })
                throw new VisageException("--known and --db cannot be used together: pick one gallery");
            var source = result.GetValue(camera) is { } index ? new VideoSource.Camera(index)
                : result.GetValue(video) is { } file ? new VideoSource.File(file)
                : (VideoSource)new VideoSource.Url(result.GetValue(url)!);
            var confirmFrames = Positive(result.GetValue(confirm), "--confirm-frames");
            var windowFrames = Positive(result.GetValue(window), "--window-frames");
            if (confirmFrames > windowFrames)
                throw new VisageException(
                    $"--confirm-frames {confirmFrames}: cannot be more than --window-frames {windowFrames}");
            var policy = new GreetingPolicy(confirmFrames, windowFrames,
                DurationText.Parse(result.GetValue(cooldown)!, "--cooldown"));
            var inputOptions = new VideoInputOptions
            {
                OpenTimeout = PositiveDuration(result.GetValue(openTimeout)!, "--open-timeout"),
                StallTimeout = PositiveDuration(result.GetValue(stallTimeout)!, "--stall-timeout"),
                RtspTransport = result.GetValue(rtspTransport)!.ToLowerInvariant() switch
                {
                    "tcp" => RtspTransport.Tcp,
                    "udp" => RtspTransport.Udp,
                    var other => throw new VisageException($"--rtsp-transport: '{other}' is not tcp or udp"),
                },
            };
            if (result.GetResult(rtspTransport) is { Implicit: false }
                && !(source is VideoSource.Url { Address: var address } && address.StartsWith("rtsp", StringComparison.OrdinalIgnoreCase)))
                throw new VisageException("--rtsp-transport: only for --url rtsp://... or rtsps://...");
            if (result.GetValue(eventsAll) && result.GetValue(events) is null)
                throw new VisageException("--events-all needs --events FILE to write to");
            var pacing = result.GetValue(everyFrame) ? FilePacing.EveryFrame : FilePacing.RealTime;
            if (pacing == FilePacing.EveryFrame && source.IsLive)
                throw new VisageException("--every-frame: only for --video (a live source cannot wait for recognition)");
            if (result.GetValue(output) is { } outputPath) AnnotatedVideoWriter.CheckPath(outputPath);
            var speaker = ChooseSpeaker(run, result.GetValue(voice)!, result.GetValue(speakTo),
                result.GetResult(voice) is { Implicit: false });

            using var input = await VideoInput.OpenAsync(source, inputOptions, ct: ct);
            run.Info($"{source}: {input.FrameSize.Width}x{input.FrameSize.Height}" +
                     (source.IsLive ? "" : $" at {input.Fps:0.##} fps"));

            var limits = CommonOptions.Limits(result);
            var pipeline = await run.LoadPipelineAsync(ct);
            using var _pipeline = pipeline;
            using var people = await KnownPeople.OpenAsync(run, pipeline, limits, result.GetValue(known),
                result.GetValue(CommonOptions.Db)!, ct);
            var threshold = people.Threshold;
            var enrolled = people.Faces;
            var recognizer = new PipelineFrameRecognizer(pipeline, people.Matcher(), threshold);

            var sinks = new List<IWatchEventSink>();
            try
            {
                if (!run.Json) sinks.Add(new GreetingPrinter(run.Out));
                if (source is VideoSource.Url) sinks.Add(new ConnectionPrinter(run));
                if (result.GetValue(events) is { } eventsPath) sinks.Add(new EventLogSink(eventsPath, run.Warn));
                if (result.GetValue(onGreet) is { } hook) sinks.Add(new GreetHookSink(hook, run.Warn));
                if (speaker is not null) sinks.Add(new GreetingVoice(speaker, run.Warn));

                var options = new WatchOptions
                {
                    Pacing = pacing,
                    OutputPath = result.GetValue(output),
                    SnapshotFolder = result.GetValue(snapshot),
                    ShowWindow = !result.GetValue(noWindow) && PreviewWindow.DisplayAvailable(),
                    ReportRecognitions = result.GetValue(eventsAll),
                    WindowTitle = $"visage watch {source}",
                };
                run.Info($"watching {source} for {enrolled.Select(f => f.Identity).Distinct().Count()} known people " +
                         $"(threshold {threshold:0.####}, greet after {policy.ConfirmFrames} of {policy.WindowFrames} frames, " +
                         $"cooldown {DurationText.Format(policy.Cooldown)}){(source.IsLive ? "; Ctrl+C to stop" : "")}");
                using var stop = new StopSignal(ct);
                var summary = await new Watcher(input, recognizer, policy, options, sinks, run.Warn).RunAsync(stop.Token);

                // Stopped by Ctrl+C, the user wants out: finish what is quick (log lines), drop slow speech and hooks.
                using var drain = summary.Ending == WatchEnding.Interrupted
                    ? new CancellationTokenSource(TimeSpan.FromSeconds(1))
                    : CancellationTokenSource.CreateLinkedTokenSource(stop.Token);
                foreach (var sink in sinks)
                    await sink.CompleteAsync(drain.Token);

                Print(run, summary);
                // A broken video file: the summary says what was seen before it broke, the error why, and the exit fails.
                if (summary is { Ending: WatchEnding.Failed, Error: { } error }) throw new VisageException(error);
                return CliRun.Success;
            }
            finally
            {
                foreach (var sink in sinks.OfType<IDisposable>()) sink.Dispose();
            }
        }));
        return command;
    }

    private static TimeSpan PositiveDuration(string text, string option)
    {
        var duration = DurationText.Parse(text, option);
        return duration > TimeSpan.Zero ? duration : throw new VisageException($"{option}: must be longer than zero, not {text}");
    }

    private static int Positive(int value, string option) =>
        value >= 1 ? value : throw new VisageException($"{option}: must be 1 or more, not {value}");

    private static ISpeaker? ChooseSpeaker(CliRun run, string voice, string? speakTo, bool voiceGiven)
    {
        var engine = SpeechEngines.Named(voice);
        if (speakTo is not null)
        {
            if (engine is null)
                throw new VisageException($"--speak-to {speakTo}: needs a voice, not --voice {voice}");
            if (!SpeechEngines.IsInstalled(engine))
                throw new VisageException($"--speak-to {speakTo}: {engine.Program} not found ({engine.InstallHint})");
            return new WaveFileSpeaker(engine, speakTo);
        }
        if (engine is null) return null;
        if (SpeechEngines.IsInstalled(engine)) return new CommandSpeaker(engine);
        if (voiceGiven)
            throw new VisageException($"--voice {voice}: {engine.Program} not found ({engine.InstallHint})");
        run.Warn($"{engine.Program} not found ({engine.InstallHint}): greetings will not be spoken");
        return null;
    }

    private static void Print(CliRun run, WatchSummary s)
    {
        var ending = s.Ending switch
        {
            WatchEnding.EndOfVideo => "end of video",
            WatchEnding.Stopped => "stopped in the window",
            WatchEnding.Failed => "broken video",
            _ => "interrupted",
        };
        if (run.Json)
        {
            run.WriteJson(new WatchJson(s.Source, ending, s.FramesRead, s.FramesProcessed, s.FramesDropped, s.FacesSeen,
                s.Greetings, s.Greeted, Math.Round(s.MedianMilliseconds, 1), s.Disconnections, s.Reconnections, s.Error));
            return;
        }
        run.Out.MarkupLineInterpolated($"{s.Source}: {ending}");
        if (s.Disconnections > 0)
            run.Out.MarkupLineInterpolated($"  stream: down {s.Disconnections} times, reconnected {s.Reconnections}");
        run.Out.MarkupLineInterpolated(
            $"  frames: {s.FramesRead} read, {s.FramesProcessed} processed, {s.FramesDropped} dropped");
        run.Out.MarkupLineInterpolated($"  faces seen: {s.FacesSeen}");
        run.Out.MarkupLineInterpolated(
            $"  greetings: {s.Greetings}{(s.Greeted.Count > 0 ? $" ({string.Join(", ", s.Greeted)})" : "")}");
        run.Out.MarkupLineInterpolated($"  median processing: {s.MedianMilliseconds:0.0} ms per frame");
    }
}
