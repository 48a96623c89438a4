using System.Collections.Concurrent;
using System.Diagnostics;
using Visage.Video;

namespace Visage.Server.Hosting;

/// <summary>
/// The greeting votes of the page's live views: one <see cref="GreetingPolicy"/> per browser session (the same
/// K-of-M vote and cooldown as <c>visage watch</c>), on the service's clock. Sessions idle for an hour are
/// forgotten, and at most 256 are kept (the oldest idle one goes first).
/// </summary>
public sealed class LiveSessions(ServerOptions options)
{
    private const int MaxSessions = 256;
    private static readonly TimeSpan IdleLimit = TimeSpan.FromHours(1);
    private readonly ConcurrentDictionary<string, Session> _sessions = new(StringComparer.Ordinal);
    private readonly Stopwatch _clock = Stopwatch.StartNew();

    private sealed class Session(GreetingPolicy policy, TimeSpan lastSeen)
    {
        public GreetingPolicy Policy { get; } = policy;
        public TimeSpan LastSeen { get; set; } = lastSeen;
    }

    /// <summary>Records the known people of one frame of <paramref name="session"/>; returns those to greet now.</summary>
    public IReadOnlyList<string> Observe(string session, IEnumerable<string> known)
    {
        var now = _clock.Elapsed;
        if (!_sessions.ContainsKey(session)) Forget(now);
        var entry = _sessions.GetOrAdd(session, _ => new Session(
            new GreetingPolicy(options.ConfirmFrames, options.WindowFrames, options.Cooldown), now));
        lock (entry)
        {
            entry.LastSeen = now;
            return entry.Policy.Observe(known, now);
        }
    }

    public int Count => _sessions.Count;

    private void Forget(TimeSpan now)
    {
        foreach (var (id, session) in _sessions)
            if (now - session.LastSeen > IdleLimit) _sessions.TryRemove(id, out _);
        while (_sessions.Count >= MaxSessions)
        {
            var oldest = _sessions.MinBy(s => s.Value.LastSeen).Key;
            _sessions.TryRemove(oldest, out _);
        }
    }
}
