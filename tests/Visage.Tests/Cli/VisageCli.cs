using Visage.Tests.TestData;
using System.Diagnostics;
using System.Text.Json;

namespace Visage.Tests.Cli;

/// <summary>Runs the real visage command (the CLI assembly built beside the tests) in its own process.</summary>
internal static class VisageCli
{
    public sealed record Result(int ExitCode, string Out, string Err)
    {
        public JsonElement Json => JsonDocument.Parse(Out).RootElement;
        public override string ToString() => $"exit {ExitCode}\nstdout:\n{Out}\nstderr:\n{Err}";
    }

    public static Task<Result> RunAsync(params string[] args) => RunAsync(new Dictionary<string, string>(), args);

    /// <summary>Runs with some environment variables replaced (PATH, VISAGE_HOME, ...).</summary>
    public static async Task<Result> RunAsync(IReadOnlyDictionary<string, string> environment, params string[] args)
    {
        using var running = Start(environment, args);
        return await running.WaitAsync(TimeSpan.FromMinutes(3));
    }

    /// <summary>Starts the command and leaves it running (to signal it, or to race it against another).</summary>
    public static Running Start(IReadOnlyDictionary<string, string> environment, params string[] args)
    {
        var start = CliProcess.StartInfo(args);
        foreach (var (name, value) in environment) start.Environment[name] = value;
        return new Running(Process.Start(start)!);
    }

    public sealed class Running : IDisposable
    {
        private readonly Process _process;
        private readonly Task<string> _stdout;
        private readonly Task<string> _stderr;

        public Running(Process process)
        {
            _process = process;
            _stdout = process.StandardOutput.ReadToEndAsync();
            _stderr = process.StandardError.ReadToEndAsync();
        }

        public int Id => _process.Id;

        /// <summary>Sends a POSIX signal (TERM, INT, KILL), as a shell's kill would.</summary>
        public void Signal(string signal)
        {
            using var kill = Process.Start("kill", ["-" + signal, _process.Id.ToString()]);
            kill.WaitForExit();
        }

        /// <summary>Waits for the exit; a command still running after <paramref name="limit"/> is killed and the test fails.</summary>
        public async Task<Result> WaitAsync(TimeSpan limit)
        {
            using var timeout = new CancellationTokenSource(limit);
            try
            {
                await _process.WaitForExitAsync(timeout.Token);
            }
            catch (OperationCanceledException)
            {
                _process.Kill(entireProcessTree: true);
                throw new TimeoutException($"visage still running after {limit.TotalSeconds:0} s; killed");
            }
            return new Result(_process.ExitCode, await _stdout, await _stderr);
        }

        public void Dispose()
        {
            if (!_process.HasExited) _process.Kill(entireProcessTree: true);
            _process.Dispose();
        }
    }
}
