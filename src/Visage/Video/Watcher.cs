using System.Diagnostics;
using OpenCvSharp;
using Visage.Speech;

namespace Visage.Video;

/// <summary>
/// The welcome loop. One thread reads frames (pacing files at their frame rate), draws the latest known faces
/// on every frame for the window and the output video, and hands a copy to a one-frame mailbox; another
/// thread takes the newest frame from it, recognises it, and decides whom to greet. A slow recogniser
/// therefore skips frames instead of falling behind. Events go to the sinks, which never block recognition.
/// </summary>
internal sealed class Watcher
{
    private readonly VideoInput _input;
    private readonly IFrameRecognizer _recognizer;
    private readonly GreetingPolicy _policy;
    private readonly WatchOptions _options;
    private readonly IReadOnlyList<IWatchEventSink> _sinks;
    private readonly Action<string> _warn;

    private readonly DurationMedian _times = new();
    private readonly List<string> _greeted = [];
    private readonly object _posting = new();
    private volatile IReadOnlyList<RecognizedFace> _latest = [];
    private long _read;
    private long _processed;
    private long _facesSeen;
    private int _greetings;
    private int _snapshots;
    private volatile bool _stoppedByUser;
    private string? _sourceError;
    private long _lastIndex = -1;
    private TimeSpan _lastPosition;
    private LatestFrameSlot<VideoFrame>? _slot;
    private long _lastPreview = long.MinValue;

    /// <summary>Frames read so far (safe to read from any thread).</summary>
    public long FramesRead => Interlocked.Read(ref _read);

    /// <summary>Frames recognised so far.</summary>
    public long FramesRecognised => Interlocked.Read(ref _processed);

    /// <summary>Frames read but replaced by a newer one before recognition could take them.</summary>
    public long FramesDropped => _slot?.Replaced ?? 0;

    public Watcher(VideoInput input, IFrameRecognizer recognizer, GreetingPolicy policy, WatchOptions options,
        IReadOnlyList<IWatchEventSink> sinks, Action<string>? warn = null)
    {
        if (options.Pacing == FilePacing.EveryFrame && input.IsLive)
            throw new VisageException($"{input.Source}: every frame can be recognised only from a video file, not a live source");
        _input = input;
        _recognizer = recognizer;
        _policy = policy;
        _options = options;
        _sinks = sinks;
        _warn = warn ?? (_ => { });
    }

    /// <summary>
    /// Runs until the video ends, the user stops it in the window, or <paramref name="ct"/> is cancelled (Ctrl+C),
    /// which ends the loop like the others rather than throwing. The output video is finalised in every case.
    /// </summary>
    public async Task<WatchSummary> RunAsync(CancellationToken ct = default)
    {
        if (_options.SnapshotFolder is { } folder) CreateSnapshotFolder(folder);
        using var writer = _options.OutputPath is { } path
            ? new AnnotatedVideoWriter(path, _input.Fps, _input.FrameSize)
            : null;
        using var slot = new LatestFrameSlot<VideoFrame>();
        _slot = slot;
        using var failed = new CancellationTokenSource();
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(ct, failed.Token);

        _input.ConnectionChanged += OnConnectionChanged;
        try
        {
            var reading = Task.Factory.StartNew(() => Guard(() => ReadLoop(slot, writer, stop.Token), failed),
                CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default);
            var recognising = Task.Factory.StartNew(() => Guard(() => RecogniseLoop(slot, stop.Token), failed),
                CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default);
            await Task.WhenAll(reading, recognising).ConfigureAwait(false);
        }
        finally
        {
            _input.ConnectionChanged -= OnConnectionChanged;
        }

        var ending = ct.IsCancellationRequested ? WatchEnding.Interrupted
            : _stoppedByUser ? WatchEnding.Stopped
            : _sourceError is not null ? WatchEnding.Failed
            : WatchEnding.EndOfVideo;
        return new WatchSummary(_input.Source.ToString(), ending, Interlocked.Read(ref _read), FramesRecognised, _facesSeen,
            _greetings, _greeted.ToList(), _times.Milliseconds)
        {
            Disconnections = _input.Disconnections,
            Reconnections = _input.Reconnections,
            Error = _sourceError,
        };
    }

    // A failure on one thread stops the other, then surfaces from RunAsync.
    private static void Guard(Action loop, CancellationTokenSource failed)
    {
        try
        {
            loop();
        }
        catch
        {
            failed.Cancel();
            throw;
        }
    }

    private void ReadLoop(LatestFrameSlot<VideoFrame> slot, AnnotatedVideoWriter? writer, CancellationToken stop)
    {
        var window = OpenWindow();
        try
        {
            var clock = Stopwatch.StartNew();
            while (!stop.IsCancellationRequested)
            {
                using var frame = ReadFrame(stop);
                if (frame is null) break;
                _lastIndex = frame.Index;
                _lastPosition = frame.Position;
                // A frame counts as read once it is due: one still waiting for its time when the loop stops is not.
                if (!_input.IsLive && _options.Pacing == FilePacing.RealTime)
                {
                    var early = frame.Position - clock.Elapsed;
                    if (early > TimeSpan.Zero && stop.WaitHandle.WaitOne(early)) break;
                }
                if (_options.Pacing == FilePacing.EveryFrame && !slot.WaitUntilEmpty(stop)) break;
                Interlocked.Increment(ref _read);
                slot.Offer(frame.Clone());
                PublishPreview(frame);

                if (writer is null && window is null) continue;
                FrameAnnotator.Draw(frame.Image, _latest);
                writer?.Write(frame.Image);
                if (window is not null && !window.Show(frame.Image))
                {
                    _stoppedByUser = true;
                    break;
                }
            }
        }
        finally
        {
            slot.Complete();
            window?.Dispose();
        }
    }

    /// <summary>The next frame; null at the end, when stopped, or when the source broke (the error is kept for the summary).</summary>
    private VideoFrame? ReadFrame(CancellationToken stop)
    {
        try
        {
            return _input.Read(stop);
        }
        catch (OperationCanceledException) when (stop.IsCancellationRequested)
        {
            return null;
        }
        catch (VideoException e)
        {
            _sourceError = e.Message;
            return null;
        }
    }

    // Raised on the reading thread while it waits for a stream to come back.
    private void OnConnectionChanged(ConnectionEvent change)
    {
        var kind = change.Kind switch
        {
            ConnectionEventKind.Disconnected => WatchEventKind.Disconnected,
            ConnectionEventKind.Retrying => WatchEventKind.Retrying,
            _ => WatchEventKind.Reconnected,
        };
        Post(new WatchEvent(kind, change.Time, _lastIndex, _lastPosition, [], []) { Connection = change });
    }

    private PreviewWindow? OpenWindow()
    {
        if (!_options.ShowWindow) return null;
        try
        {
            return PreviewWindow.Open(_options.WindowTitle);
        }
        catch (VisageException e)
        {
            _warn($"{e.Message}; going on without one");
            return null;
        }
    }

    private void RecogniseLoop(LatestFrameSlot<VideoFrame> slot, CancellationToken stop)
    {
        while (slot.TryTake(out var frame, stop))
        {
            using (frame)
            {
                var started = Stopwatch.GetTimestamp();
                IReadOnlyList<RecognizedFace> faces;
                try
                {
                    faces = _recognizer.Recognize(frame.Image, stop);
                }
                catch (OperationCanceledException) when (stop.IsCancellationRequested)
                {
                    return;
                }
                if (_options.MinFaceSize > 0)
                    faces = faces.Where(f => Math.Min(f.Box.Width, f.Box.Height) >= _options.MinFaceSize).ToList();
                _times.Add(Stopwatch.GetElapsedTime(started));
                Interlocked.Increment(ref _processed);
                _facesSeen += faces.Count;
                _latest = faces;
                Report(frame, faces);
            }
        }
    }

    private void Report(VideoFrame frame, IReadOnlyList<RecognizedFace> faces)
    {
        // Left to right, the nearest face when one identity matches twice.
        var known = faces.Where(f => f.IsKnown)
            .GroupBy(f => f.Identity!, StringComparer.Ordinal)
            .Select(g => g.MinBy(f => f.Distance)!)
            .OrderBy(f => f.Box.X)
            .ToList();
        var now = _options.WallClockVotes ? frame.ReadAt - DateTimeOffset.UnixEpoch : frame.Position;
        var greet = _policy.Observe(known.Select(f => f.Identity!), now);

        if (_options.ReportRecognitions && faces.Count > 0)
            Post(new WatchEvent(WatchEventKind.Recognition, frame.ReadAt, frame.Index, frame.Position,
                known.Select(f => f.Identity!).ToList(), faces));
        if (_options.Strangers is { } strangers)
        {
            var report = strangers.Observe(faces.Where(f => !f.IsKnown).OrderBy(f => f.Box.X), now);
            if (report.Count > 0)
                Post(new WatchEvent(WatchEventKind.Unknown, frame.ReadAt, frame.Index, frame.Position, [], report)
                {
                    SnapshotJpeg = _options.SnapshotJpegs ? AnnotatedJpeg(frame.Image, faces) : null,
                    FaceJpegs = _options.SnapshotJpegs ? report.Select(f => FaceJpeg(frame.Image, f)).ToList() : null,
                });
        }
        if (greet.Count == 0) return;

        var greetedFaces = known.Where(f => greet.Contains(f.Identity!)).ToList();
        var names = greetedFaces.Select(f => f.Identity!).ToList();
        _greetings++;
        _greeted.AddRange(names);
        Post(new WatchEvent(WatchEventKind.Greeting, frame.ReadAt, frame.Index, frame.Position, names, greetedFaces,
            GreetingText.For(names), SaveSnapshot(frame, faces))
        {
            SnapshotJpeg = _options.SnapshotJpegs ? AnnotatedJpeg(frame.Image, faces) : null,
        });
    }

    private void PublishPreview(VideoFrame frame)
    {
        if (_options.Preview is not { } preview) return;
        var now = Stopwatch.GetTimestamp();
        if (_lastPreview != long.MinValue && Stopwatch.GetElapsedTime(_lastPreview, now) < _options.PreviewInterval) return;
        _lastPreview = now;
        preview.Publish(AnnotatedJpeg(frame.Image, _latest), frame.ReadAt);
    }

    private static byte[] AnnotatedJpeg(Mat image, IReadOnlyList<RecognizedFace> faces)
    {
        using var annotated = image.Clone();
        FrameAnnotator.Draw(annotated, faces);
        return annotated.ImEncode(".jpg", new ImageEncodingParam(ImwriteFlags.JpegQuality, 85));
    }

    /// <summary>The face with half its size again on every side (what a detector needs to find it again), unannotated.</summary>
    private static byte[] FaceJpeg(Mat image, RecognizedFace face)
    {
        var box = face.Box;
        var marginX = box.Width / 2;
        var marginY = box.Height / 2;
        var left = (int)Math.Clamp(box.X - marginX, 0, image.Width - 1);
        var top = (int)Math.Clamp(box.Y - marginY, 0, image.Height - 1);
        var right = (int)Math.Clamp(box.X + box.Width + marginX, left + 1, image.Width);
        var bottom = (int)Math.Clamp(box.Y + box.Height + marginY, top + 1, image.Height);
        using var crop = new Mat(image, new Rect(left, top, right - left, bottom - top));
        return crop.ImEncode(".jpg", new ImageEncodingParam(ImwriteFlags.JpegQuality, 92));
    }

    // Greetings come from the recognising thread, connection changes from the reading one: sinks see one at a time.
    private void Post(WatchEvent e)
    {
        e = e with { Source = _input.Source.ToString() };
        lock (_posting)
            foreach (var sink in _sinks) sink.Post(e);
    }

    private string? SaveSnapshot(VideoFrame frame, IReadOnlyList<RecognizedFace> faces)
    {
        if (_options.SnapshotFolder is not { } folder) return null;
        var path = Path.Combine(folder, $"greeting-{++_snapshots:D3}-frame-{frame.Index:D6}.png");
        using var annotated = frame.Image.Clone();
        FrameAnnotator.Draw(annotated, faces);
        if (!Cv2.ImWrite(path, annotated))
        {
            _warn($"snapshot {path}: could not be written");
            return null;
        }
        return path;
    }

    private static void CreateSnapshotFolder(string folder)
    {
        try
        {
            Directory.CreateDirectory(folder);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new InvalidSettingException(VisageSetting.SnapshotFolder, $"{folder}: cannot create the folder ({e.Message})");
        }
    }
}
