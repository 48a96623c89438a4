using System.Runtime.InteropServices;

namespace Visage.Cli;

/// <summary>
/// Turns the first Ctrl+C (SIGINT) or SIGTERM into a cancellation, so a long-running command can stop
/// cleanly; a second one ends the process as usual, in case the clean stop hangs. System.CommandLine 2.0.0
/// does not cancel an action's token on Ctrl+C unless configured to, so every command runs under one of
/// these (see <see cref="CliRun.Action"/>).
/// </summary>
internal sealed class StopSignal : IDisposable
{
    private readonly CancellationTokenSource _stop;
    private readonly PosixSignalRegistration[] _registrations;
    private int _signals;

    public StopSignal(CancellationToken also)
    {
        _stop = CancellationTokenSource.CreateLinkedTokenSource(also);
        _registrations =
        [
            PosixSignalRegistration.Create(PosixSignal.SIGINT, OnSignal),
            PosixSignalRegistration.Create(PosixSignal.SIGTERM, OnSignal),
        ];
    }

    public CancellationToken Token => _stop.Token;

    private void OnSignal(PosixSignalContext context)
    {
        if (Interlocked.Increment(ref _signals) > 1) return;
        context.Cancel = true;
        _stop.Cancel();
    }

    public void Dispose()
    {
        foreach (var registration in _registrations) registration.Dispose();
        _stop.Dispose();
    }
}
