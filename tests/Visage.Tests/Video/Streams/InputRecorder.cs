using OpenCvSharp;
using Visage.Video;

namespace Visage.Tests.Video.Streams;

/// <summary>
/// Reads a video input on a background thread, as the watch loop does, and keeps what came: each frame's number
/// and mean grey level, and every connection event, so a test can wait for them while it breaks the server.
/// </summary>
internal sealed class InputRecorder : IAsyncDisposable
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(90);

    private readonly VideoInput _input;
    private readonly CancellationTokenSource _stop = new();
    private readonly List<(long Index, double Grey)> _frames = [];
    private readonly List<ConnectionEvent> _events = [];
    private readonly Task _reading;

    public InputRecorder(VideoInput input)
    {
        _input = input;
        input.ConnectionChanged += e =>
        {
            lock (_events) _events.Add(e);
        };
        _reading = Task.Factory.StartNew(Read, CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default);
    }

    public IReadOnlyList<(long Index, double Grey)> Frames
    {
        get { lock (_frames) return _frames.ToList(); }
    }

    public IReadOnlyList<ConnectionEvent> Events
    {
        get { lock (_events) return _events.ToList(); }
    }

    private void Read()
    {
        while (!_stop.IsCancellationRequested)
        {
            using var frame = _input.Read(_stop.Token);
            if (frame is null) return;
            lock (_frames) _frames.Add((frame.Index, Cv2.Mean(frame.Image).Val0));
        }
    }

    /// <summary>Waits for the first event from now on (counting from <paramref name="after"/> events) that matches.</summary>
    public async Task<ConnectionEvent> WaitForAsync(Func<ConnectionEvent, bool> match, int after = 0)
    {
        await Until(() => Events.Skip(after).Any(match), "an event that matches");
        return Events.Skip(after).First(match);
    }

    public Task WaitForFramesAsync(int count) => Until(() => Frames.Count >= count, $"{count} frames");

    private async Task Until(Func<bool> condition, string what)
    {
        var clock = System.Diagnostics.Stopwatch.StartNew();
        while (!condition())
        {
            if (_reading.IsCompleted)
            {
                await _reading; // surfaces the reader's exception
                throw new InvalidOperationException($"the input ended while waiting for {what}: {Describe()}");
            }
            if (clock.Elapsed > Patience) throw new TimeoutException($"no {what} after {Patience}: {Describe()}");
            await Task.Delay(50);
        }
    }

    public string Describe() =>
        $"{Frames.Count} frames; events: " + string.Join(" | ", Events.Select(e => $"{e.Kind} {e.Attempt} {e.Message}"));

    public async ValueTask DisposeAsync()
    {
        _stop.Cancel();
        try
        {
            await _reading;
        }
        catch (OperationCanceledException)
        {
        }
        _stop.Dispose();
    }
}
