using System.Globalization;

namespace Visage.Execution;

/// <summary>
/// How busy the machine is: the one-minute load average (runnable processes), where the system says. Timings
/// taken while it is above the number of cores were taken on a shared machine, and reports say so.
/// </summary>
internal static class MachineLoad
{
    public static double? OneMinuteAverage()
    {
        try
        {
            if (!OperatingSystem.IsLinux() || !File.Exists("/proc/loadavg")) return null;
            var first = File.ReadAllText("/proc/loadavg").Split(' ', StringSplitOptions.RemoveEmptyEntries)[0];
            return double.TryParse(first, NumberStyles.Float, CultureInfo.InvariantCulture, out var load) ? load : null;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }
}
