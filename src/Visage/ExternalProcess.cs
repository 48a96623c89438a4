using System.ComponentModel;
using System.Diagnostics;

namespace Visage;

/// <summary>Runs a program to completion with its output captured, optionally feeding its standard input.</summary>
internal static class ExternalProcess
{
    public sealed record Outcome(int ExitCode, string StandardOutput, string StandardError)
    {
        /// <summary>The last non-blank line the program wrote to standard error, for one-line messages.</summary>
        public string? LastErrorLine => StandardError
            .Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .LastOrDefault();
    }

    /// <summary>
    /// Starts the program and waits for it; cancelling or running past <paramref name="timeout"/> kills it
    /// (with its children). A program that cannot be started becomes a <see cref="VisageException"/>.
    /// </summary>
    public static async Task<Outcome> RunAsync(ProcessStartInfo start, string? input, TimeSpan timeout,
        CancellationToken ct)
    {
        start.UseShellExecute = false;
        start.RedirectStandardOutput = true;
        start.RedirectStandardError = true;
        start.RedirectStandardInput = true;
        Process process;
        try
        {
            process = Process.Start(start) ?? throw new VisageException($"{start.FileName}: could not be started");
        }
        catch (Win32Exception e)
        {
            throw new VisageException($"{start.FileName}: could not be started ({e.Message})", e);
        }

        using (process)
        {
            var stdout = process.StandardOutput.ReadToEndAsync(CancellationToken.None);
            var stderr = process.StandardError.ReadToEndAsync(CancellationToken.None);
            using var limit = CancellationTokenSource.CreateLinkedTokenSource(ct);
            limit.CancelAfter(timeout);
            try
            {
                try
                {
                    if (input is not null) await process.StandardInput.WriteAsync(input.AsMemory(), limit.Token);
                    process.StandardInput.Close();
                }
                catch (IOException)
                {
                    // The program exited without reading its input; its exit status says how it went.
                }
                await process.WaitForExitAsync(limit.Token);
            }
            catch (OperationCanceledException)
            {
                try { process.Kill(entireProcessTree: true); } catch (InvalidOperationException) { }
                ct.ThrowIfCancellationRequested();
                throw new VisageException(
                    $"{start.FileName}: still running after {timeout.TotalSeconds:0.#} s, stopped");
            }
            // A child the program left running in the background may hold its output open: do not wait for it.
            return new Outcome(process.ExitCode, await WithinAsync(stdout), await WithinAsync(stderr));
        }
    }

    private static async Task<string> WithinAsync(Task<string> output)
    {
        try
        {
            return await output.WaitAsync(TimeSpan.FromSeconds(1));
        }
        catch (TimeoutException)
        {
            return "";
        }
    }
}
