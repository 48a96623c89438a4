using System.Runtime.InteropServices;

namespace Visage.Execution;

/// <summary>
/// The CPU time the calling thread has used (POSIX <c>CLOCK_THREAD_CPUTIME_ID</c>). Work that runs on the
/// calling thread alone (a network on one thread) costs the same CPU time however busy the machine is, while
/// its wall time grows whenever another process takes the core: on a shared machine this is the figure that
/// can be compared between runs. Null where the platform has no such clock.
/// </summary>
internal static partial class ThreadCpuClock
{
    private const int LinuxThreadCpuTime = 3;
    private const int MacThreadCpuTime = 16;

    private static readonly int? ClockId =
        OperatingSystem.IsLinux() ? LinuxThreadCpuTime : OperatingSystem.IsMacOS() ? MacThreadCpuTime : null;

    public static bool IsAvailable { get; } = ClockId is not null && TryRead(out _);

    /// <summary>The calling thread's CPU time in milliseconds, or null.</summary>
    public static double? NowMs() => IsAvailable && TryRead(out var ms) ? ms : null;

    private static bool TryRead(out double ms)
    {
        ms = 0;
        try
        {
            if (ClockId is not { } id || clock_gettime(id, out var time) != 0) return false;
            ms = time.Seconds * 1e3 + time.Nanoseconds / 1e6;
            return true;
        }
        catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException)
        {
            return false;
        }
    }

    [StructLayout(LayoutKind.Sequential)]
    private struct TimeSpec
    {
        public nint Seconds;
        public nint Nanoseconds;
    }

    [LibraryImport("libc", SetLastError = false)]
    private static partial int clock_gettime(int clockId, out TimeSpec time);
}
