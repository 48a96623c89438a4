namespace Visage.Video;

/// <summary>
/// The median of many durations in constant memory (a loop may run for days): a histogram of 0.1 ms bins up
/// to 10 s, and the rare longer durations kept as they are. Not thread-safe.
/// </summary>
internal sealed class DurationMedian
{
    private const double BinMilliseconds = 0.1;
    private const int Bins = 100_000;
    private readonly int[] _bins = new int[Bins];
    private readonly List<double> _longer = [];
    private long _count;

    public long Count => _count;

    public void Add(TimeSpan duration)
    {
        var ms = Math.Max(0, duration.TotalMilliseconds);
        var bin = (int)(ms / BinMilliseconds);
        if (bin < Bins) _bins[bin]++;
        else _longer.Add(ms);
        _count++;
    }

    /// <summary>The median in milliseconds (to the nearest bin below 10 s), or 0 when nothing was added.</summary>
    public double Milliseconds
    {
        get
        {
            if (_count == 0) return 0;
            var rank = (_count - 1) / 2;
            long seen = 0;
            for (var bin = 0; bin < Bins; bin++)
            {
                seen += _bins[bin];
                if (seen > rank) return (bin + 0.5) * BinMilliseconds;
            }
            _longer.Sort();
            return _longer[(int)(rank - seen)];
        }
    }
}
