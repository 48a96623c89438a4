using Visage.Recognition;

namespace Visage.Video;

/// <summary>
/// Decides when to report an unknown face: a stranger (faces whose encodings lie within the decision threshold of
/// each other) seen in at least <c>confirmFrames</c> of the last <c>windowFrames</c> processed frames, then not again
/// until <c>cooldown</c> has passed since they were last reported. One blurred frame of an enrolled person therefore
/// reports nobody, and a stranger standing at the door is reported once per cooldown, not once per frame. Strangers
/// not seen for a cooldown are forgotten (at most <see cref="MaxTracked"/> are held). Time is the caller's clock, as
/// for <see cref="GreetingPolicy"/>. Not thread-safe: one instance per recognition loop.
/// </summary>
public sealed class StrangerPolicy
{
    public const int MaxTracked = 256;

    private readonly GreetingPolicy _vote;
    private readonly float _sameStranger;
    private readonly List<Stranger> _tracked = [];
    private long _frame;

    private sealed class Stranger(float[] embedding, long frame, TimeSpan now)
    {
        public float[] Embedding { get; set; } = embedding;
        public Queue<long> Sightings { get; } = new([frame]);
        public TimeSpan LastSeen { get; set; } = now;
        public TimeSpan? LastReported { get; set; }
    }

    /// <param name="sameStranger">The largest distance between two encodings of one stranger (the gallery's threshold).</param>
    public StrangerPolicy(float sameStranger, int confirmFrames = 3, int windowFrames = 5, TimeSpan? cooldown = null)
    {
        // The greeting vote checks the same settings, with the same messages.
        _vote = new GreetingPolicy(confirmFrames, windowFrames, cooldown);
        if (!(sameStranger > 0 && float.IsFinite(sameStranger)))
            throw new InvalidSettingException(VisageSetting.Threshold, $"a threshold must be a positive distance, not {sameStranger}");
        _sameStranger = sameStranger;
    }

    public TimeSpan Cooldown => _vote.Cooldown;

    /// <summary>How many strangers are remembered now.</summary>
    public int Tracked => _tracked.Count;

    /// <summary>
    /// Records the unknown faces of one processed frame (faces without an encoding are ignored) at
    /// <paramref name="now"/>; returns those to report now, in the order given.
    /// </summary>
    public IReadOnlyList<RecognizedFace> Observe(IEnumerable<RecognizedFace> unknownInFrame, TimeSpan now)
    {
        var frame = ++_frame;
        _tracked.RemoveAll(s => now - s.LastSeen > Cooldown && (s.LastReported is null || now - s.LastReported >= Cooldown));
        var report = new List<RecognizedFace>();
        var seenNow = new HashSet<Stranger>();
        foreach (var face in unknownInFrame)
        {
            if (face.IsKnown || face.Embedding is not { } embedding) continue;
            var stranger = Nearest(embedding);
            if (stranger is not null && seenNow.Contains(stranger)) continue; // one stranger twice in a frame counts once
            if (stranger is null)
            {
                stranger = new Stranger(embedding, frame, now);
                if (_tracked.Count >= MaxTracked) _tracked.Remove(_tracked.MinBy(s => s.LastSeen)!);
                _tracked.Add(stranger);
            }
            else
            {
                stranger.Embedding = embedding;
                stranger.LastSeen = now;
                stranger.Sightings.Enqueue(frame);
            }
            seenNow.Add(stranger);
            while (stranger.Sightings.Count > 0 && stranger.Sightings.Peek() <= frame - _vote.WindowFrames)
                stranger.Sightings.Dequeue();
            if (stranger.Sightings.Count < _vote.ConfirmFrames) continue;
            if (stranger.LastReported is { } last && now - last < Cooldown) continue;
            stranger.LastReported = now;
            report.Add(face);
        }
        return report;
    }

    private Stranger? Nearest(float[] embedding)
    {
        Stranger? best = null;
        var bestDistance = float.PositiveInfinity;
        foreach (var stranger in _tracked)
        {
            if (stranger.Embedding.Length != embedding.Length) continue;
            var distance = FaceDistance.Euclidean(stranger.Embedding, embedding);
            if (distance < bestDistance)
            {
                bestDistance = distance;
                best = stranger;
            }
        }
        return bestDistance <= _sameStranger ? best : null;
    }
}
