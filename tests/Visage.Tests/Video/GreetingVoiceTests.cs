using System.Diagnostics;
using Visage.Detection;
using Visage.Speech;
using Visage.Video;

namespace Visage.Tests.Video;

public sealed class GreetingVoiceTests
{
    private sealed class BlockingSpeaker : ISpeaker
    {
        public readonly SemaphoreSlim Release = new(0);
        public readonly List<string> Said = [];

        public async Task SpeakAsync(string text, CancellationToken ct = default)
        {
            await Release.WaitAsync(ct);
            lock (Said) Said.Add(text);
        }
    }

    private sealed class FailingSpeaker : ISpeaker
    {
        public int Calls;

        public Task SpeakAsync(string text, CancellationToken ct = default)
        {
            Interlocked.Increment(ref Calls);
            throw new VisageException("no sound card");
        }
    }

    private static WatchEvent Greeting(string name) => new(WatchEventKind.Greeting, DateTimeOffset.UtcNow, 1,
        TimeSpan.Zero, [name], [new RecognizedFace(new FaceBox(0, 0, 10, 10), name, name, 0.5f)],
        GreetingText.For([name]));

    [Fact]
    public async Task Posting_never_waits_for_the_voice_and_completion_waits_for_every_sentence()
    {
        var speaker = new BlockingSpeaker();
        using var voice = new GreetingVoice(speaker, _ => { });

        var clock = Stopwatch.StartNew();
        voice.Post(Greeting("Ada"));
        voice.Post(Greeting("Grace"));
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(2), "posting waited for the speaker");

        var completing = voice.CompleteAsync();
        Assert.False(completing.IsCompleted);
        speaker.Release.Release(2);
        await completing.WaitAsync(TimeSpan.FromSeconds(30));
        Assert.Equal(["Welcome Ada, have a nice day.", "Welcome Grace, have a nice day."], speaker.Said);
    }

    [Fact]
    public async Task Cancelling_completion_abandons_what_is_not_said_yet()
    {
        var speaker = new BlockingSpeaker();
        using var voice = new GreetingVoice(speaker, _ => { });
        voice.Post(Greeting("Ada"));

        using var cancel = new CancellationTokenSource(TimeSpan.FromMilliseconds(200));
        await voice.CompleteAsync(cancel.Token).WaitAsync(TimeSpan.FromSeconds(30));

        Assert.Empty(speaker.Said);
    }

    [Fact]
    public async Task A_failing_voice_is_reported_once_and_later_greetings_are_still_tried()
    {
        var speaker = new FailingSpeaker();
        var warnings = new List<string>();
        using var voice = new GreetingVoice(speaker, w => { lock (warnings) warnings.Add(w); });

        voice.Post(Greeting("Ada"));
        voice.Post(Greeting("Grace"));
        await voice.CompleteAsync().WaitAsync(TimeSpan.FromSeconds(30));

        Assert.Equal(2, speaker.Calls);
        var warning = Assert.Single(warnings);
        Assert.Contains("no sound card", warning);
    }

    [Fact]
    public async Task Only_greetings_are_spoken()
    {
        var speaker = new BlockingSpeaker();
        using var voice = new GreetingVoice(speaker, _ => { });
        voice.Post(Greeting("Ada") with { Kind = WatchEventKind.Recognition, Text = null });
        speaker.Release.Release(1);

        await voice.CompleteAsync().WaitAsync(TimeSpan.FromSeconds(30));

        Assert.Empty(speaker.Said);
    }
}
