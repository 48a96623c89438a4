using System.Diagnostics;
using Visage.Execution;

namespace Visage.Benchmarking;

/// <summary>Times a stage by the wall clock and by the CPU time of the calling thread.</summary>
internal static class StageClock
{
    public static (T Result, double WallMs, double CpuMs) Time<T>(Func<T> stage)
    {
        var cpu = ThreadCpuClock.NowMs();
        var start = Stopwatch.GetTimestamp();
        var result = stage();
        var wall = Stopwatch.GetElapsedTime(start).TotalMilliseconds;
        var cpuMs = cpu is { } before && ThreadCpuClock.NowMs() is { } after ? after - before : wall;
        return (result, wall, cpuMs);
    }

    public static double Percentile(IReadOnlyList<double> values, double p)
    {
        if (values.Count == 0) return double.NaN;
        var sorted = values.Order().ToArray();
        var rank = p * (sorted.Length - 1);
        var low = (int)Math.Floor(rank);
        var high = (int)Math.Ceiling(rank);
        return sorted[low] + (sorted[high] - sorted[low]) * (rank - low);
    }
}
