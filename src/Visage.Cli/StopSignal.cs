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

    /// <summary>How long an orderly exit (exit handlers, flushes) may take before the process is ended outright.</summary>
    private static readonly TimeSpan ExitHandlersGrace = TimeSpan.FromSeconds(2);

    private readonly CancellationTokenSource _stop;
    private readonly PosixSignalRegistration[] _registrations;
    private readonly ManualResetEventSlim _finished = new();
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
        var code = context.Signal == PosixSignal.SIGTERM ? ExitCodes.Terminated : ExitCodes.Interrupted;
        ExitCode = code;
        // A thread of its own, not a timer: a starved thread pool (a busy machine, blocked workers) must not
        // delay the deadline.
        new Thread(() => EnforceDeadline(code)) { IsBackground = true, Name = "visage stop deadline" }.Start();
        // A signal can arrive just as the command ends and disposes this: then there is nothing left to cancel.
        try { _stop.Cancel(); }
        catch (ObjectDisposedException) { }
    }

    private void EnforceDeadline(int code)
    {
        if (_finished.Wait(_grace)) return;
        Console.Error.WriteLine("visage: error: cancelled (stopped)");
        // Environment.Exit runs the exit handlers, and one of them may wait for the very work that did not stop
        // (a host waiting for its main method): give them a moment, then end the process without them.
        var orderly = new Thread(() => Environment.Exit(code)) { IsBackground = true };
        orderly.Start();
        if (orderly.Join(ExitHandlersGrace)) return;
        Console.Out.Flush();
        Console.Error.Flush();
        ExitNow(code);
    }

    [DllImport("libc", EntryPoint = "_exit")]
    private static extern void ExitNow(int status);

    public void Dispose()
    {
        foreach (var registration in _registrations) registration.Dispose();
        _finished.Set();
        _stop.Dispose();
    }
}
