namespace Visage.Video;

/// <summary>
/// Decides who to greet: a person recognised in at least <c>confirmFrames</c> of the last <c>windowFrames</c>
/// processed frames, unless they were greeted less than <c>cooldown</c> ago. One bad frame therefore never
/// greets anybody, and a person standing in view is not greeted over and over. Time is whatever clock the
/// caller passes (a video's own timeline, or elapsed wall time), so it can be driven by tests.
/// Not thread-safe: one instance per recognition loop.
/// </summary>
public sealed class GreetingPolicy
{
    private readonly int _confirmFrames;
    private readonly int _windowFrames;
    private readonly TimeSpan _cooldown;
    private readonly Queue<HashSet<string>> _recent = new();
    private readonly Dictionary<string, TimeSpan> _lastGreeted = new(StringComparer.Ordinal);

    public GreetingPolicy(int confirmFrames = 3, int windowFrames = 5, TimeSpan? cooldown = null)
    {
        if (windowFrames < 1)
            throw new InvalidSettingException(VisageSetting.WindowFrames, $"a window of at least 1 frame is needed, not {windowFrames}");
        if (confirmFrames < 1 || confirmFrames > windowFrames)
            throw new InvalidSettingException(VisageSetting.ConfirmFrames,
                $"{confirmFrames} confirming frames: must be between 1 and the window of {windowFrames} frames");
        var chosen = cooldown ?? TimeSpan.FromMinutes(10);
        if (chosen < TimeSpan.Zero)
            throw new InvalidSettingException(VisageSetting.Cooldown, $"a cooldown must not be negative, not {chosen}");
        _confirmFrames = confirmFrames;
        _windowFrames = windowFrames;
        _cooldown = chosen;
    }

    /// <summary>
    /// The seed's words for the people greeted at once: "Welcome Ada, have a nice day." (underscores read as
    /// spaces), what <c>visage watch</c> says and its events carry as <c>text</c>.
    /// </summary>
    public static string Words(IReadOnlyList<string> names) => Speech.GreetingText.For(names);

    public int ConfirmFrames => _confirmFrames;
    public int WindowFrames => _windowFrames;
    public TimeSpan Cooldown => _cooldown;

    /// <summary>
    /// Records the known identities of one processed frame (unknown faces are not passed in) at time
    /// <paramref name="now"/>; returns those to greet now, in the order given.
    /// </summary>
    public IReadOnlyList<string> Observe(IEnumerable<string> knownInFrame, TimeSpan now)
    {
        var names = knownInFrame.Distinct(StringComparer.Ordinal).ToList();
        _recent.Enqueue(new HashSet<string>(names, StringComparer.Ordinal));
        if (_recent.Count > _windowFrames) _recent.Dequeue();

        var greet = new List<string>();
        foreach (var name in names)
        {
            if (_recent.Count(frame => frame.Contains(name)) < _confirmFrames) continue;
            if (_lastGreeted.TryGetValue(name, out var last) && now - last < _cooldown) continue;
            _lastGreeted[name] = now;
            greet.Add(name);
        }
        return greet;
    }
}
