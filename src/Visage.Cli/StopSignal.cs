using System.Runtime.InteropServices;

namespace Visage.Cli;

/// <summary>
/// Turns the first SIGINT (Ctrl+C) or SIGTERM into a cancellation, so a command stops cleanly (a gallery
/// batch commits or rolls back, a fetch cleans up). Whatever a command is doing, the process ends within a
/// second of that one signal: if the clean stop has not finished by then (a native call that cannot be
/// interrupted), the process exits anyway, which is safe because every write is a transaction or an atomic
/// rename. System.CommandLine does not cancel an action's token on signals unless configured to, so every
/// command runs under one of these (see <see cref="CliRun.Action"/>).
/// </summary>
internal sealed class StopSignal : IDisposable
{
    /// <summary>How long a clean stop may take before the process is ended.</summary>
    public static readonly TimeSpan DefaultGrace = TimeSpan.FromMilliseconds(900);

    private readonly TimeSpan _grace;

    private readonly CancellationTokenSource _stop;
    private readonly PosixSignalRegistration[] _registrations;
    private Timer? _deadline;
    private int _signals;

    public StopSignal(CancellationToken also, TimeSpan? grace = null)
    {
        _grace = grace ?? DefaultGrace;
        _stop = CancellationTokenSource.CreateLinkedTokenSource(also);
        _registrations =
        [
            PosixSignalRegistration.Create(PosixSignal.SIGINT, OnSignal),
            PosixSignalRegistration.Create(PosixSignal.SIGTERM, OnSignal),
        ];
    }

    public CancellationToken Token => _stop.Token;

    /// <summary>The exit status the signal received asks for, or null when none came.</summary>
    public int? ExitCode { get; private set; }

    private void OnSignal(PosixSignalContext context)
    {
        context.Cancel = true;
        if (Interlocked.Increment(ref _signals) > 1) return;
        ExitCode = context.Signal == PosixSignal.SIGTERM ? ExitCodes.Terminated : ExitCodes.Interrupted;
        _deadline = new Timer(_ =>
        {
            Console.Error.WriteLine("visage: error: cancelled (stopped)");
            Environment.Exit(ExitCode ?? ExitCodes.Interrupted);
        }, null, _grace, Timeout.InfiniteTimeSpan);
        _stop.Cancel();
    }

    public void Dispose()
    {
        foreach (var registration in _registrations) registration.Dispose();
        _deadline?.Dispose();
        _stop.Dispose();
    }
}
