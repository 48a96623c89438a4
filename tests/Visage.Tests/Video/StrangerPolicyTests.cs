using Visage.Detection;
using Visage.Video;

namespace Visage.Tests.Video;

public sealed class StrangerPolicyTests
{
    private static TimeSpan At(double seconds) => TimeSpan.FromSeconds(seconds);

    private static RecognizedFace Stranger(float x, params float[] embedding) =>
        new(new FaceBox(x, 0, 50, 50), null, null, 1.5f) { Embedding = embedding };

    [Fact]
    public void A_stranger_is_reported_once_seen_in_three_of_five_frames_then_not_again_inside_the_cooldown()
    {
        var policy = new StrangerPolicy(0.6f, 3, 5, TimeSpan.FromSeconds(10));
        var reported = Enumerable.Range(0, 111)
            .Select(i => policy.Observe([Stranger(0, 1, 0, 0.01f * (i % 3))], At(i * 0.1)).Count)
            .ToList();

        Assert.Equal([0, 0, 1], reported.Take(3));
        // Standing there for 11 s: reported again once the cooldown has passed since the first report, not before.
        Assert.Equal([2, 102], reported.Select((count, i) => (count, i)).Where(r => r.count > 0).Select(r => r.i));
    }

    [Fact]
    public void Two_strangers_are_told_apart_and_one_frame_of_a_face_reports_nobody()
    {
        var policy = new StrangerPolicy(0.6f, 3, 5, TimeSpan.FromMinutes(10));
        var a = new[] { 1f, 0, 0 };
        var b = new[] { 0f, 1, 0 };

        Assert.Empty(policy.Observe([Stranger(0, a), Stranger(100, b)], At(0)));
        Assert.Empty(policy.Observe([Stranger(0, a)], At(0.1)));
        var third = policy.Observe([Stranger(0, a), Stranger(100, b)], At(0.2));
        Assert.Equal([a], third.Select(f => f.Embedding!));
        Assert.Equal([b], policy.Observe([Stranger(100, b)], At(0.3)).Select(f => f.Embedding!));
        Assert.Equal(2, policy.Tracked);

        // A face seen once (a blurred frame of somebody) is never reported.
        var once = new StrangerPolicy(0.6f, 3, 5, TimeSpan.FromMinutes(10));
        Assert.Empty(once.Observe([Stranger(0, 0, 0, 1)], At(0)));
        for (var i = 1; i < 10; i++) Assert.Empty(once.Observe([], At(i * 0.1)));
    }

    [Fact]
    public void Known_faces_and_faces_without_an_encoding_are_ignored_and_bad_settings_are_refused()
    {
        var policy = new StrangerPolicy(0.6f, 1, 1, TimeSpan.Zero);
        var known = new RecognizedFace(new FaceBox(0, 0, 50, 50), "Ada", "Ada", 0.3f) { Embedding = [1, 0, 0] };
        var bare = new RecognizedFace(new FaceBox(0, 0, 50, 50), null, null, 1.2f);

        Assert.Empty(policy.Observe([known, bare], At(0)));
        Assert.Equal(0, policy.Tracked);
        Assert.Throws<InvalidSettingException>(() => new StrangerPolicy(0, 3, 5));
        Assert.Throws<InvalidSettingException>(() => new StrangerPolicy(0.6f, 6, 5));
    }
}
