using System.Diagnostics;

namespace Visage.Execution;

/// <summary>How the tuner times a run; tests give it scripted times so that its choices are deterministic.</summary>
internal interface ITuningClock
{
    /// <summary>Runs <paramref name="run"/> (the work of <paramref name="plan"/>) and returns its milliseconds.</summary>
    double Time(ExecutionPlan plan, Action run);
}

/// <summary>
/// One-thread plans are timed by the CPU time of the thread that runs them, so that other processes busy on
/// the same cores do not decide the choice; plans on several threads by the wall clock, which is what they
/// save (and on a busy machine they save little, so they rightly lose).
/// </summary>
internal sealed class DefaultTuningClock : ITuningClock
{
    public static DefaultTuningClock Instance { get; } = new();

    public double Time(ExecutionPlan plan, Action run)
    {
        if (plan.Threads == 1 && ThreadCpuClock.NowMs() is { } cpuStart)
        {
            run();
            return ThreadCpuClock.NowMs()!.Value - cpuStart;
        }
        var start = Stopwatch.GetTimestamp();
        run();
        return Stopwatch.GetElapsedTime(start).TotalMilliseconds;
    }
}
