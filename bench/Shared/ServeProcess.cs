using System.Diagnostics;
using System.Text.RegularExpressions;

// Shared by the benchmarks that run 'visage serve' as a process of its own (Visage.LoadCheck, Visage.CameraSoak).

/// <summary>The machine a figure was measured on: every figure goes out with its CPU model and load.</summary>
internal static class Machine
{
    public static string CpuModel()
    {
        try
        {
            var info = File.ReadAllLines("/proc/cpuinfo");
            string Field(string name) => info.FirstOrDefault(l => l.StartsWith(name, StringComparison.Ordinal))?.Split(':', 2)[1].Trim() ?? "?";
            return $"{Field("model name")} (family {Field("cpu family")} model {Field("model\t")})";
        }
        catch (IOException)
        {
            return "unknown";
        }
    }

    public static string LoadAverage() => File.Exists("/proc/loadavg") ? string.Join(' ', File.ReadAllText("/proc/loadavg").Split(' ').Take(3)) : "?";
}

/// <summary>'visage serve' in its own process, its output read line by line; its memory read from /proc.</summary>
internal sealed class Server : IDisposable
{
    private readonly Process _process;
    private readonly List<string> _lines = [];
    private bool _disposed;

    public Server(IEnumerable<string> args)
    {
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var arg in args) start.ArgumentList.Add(arg);
        _process = Process.Start(start)!;
        _process.OutputDataReceived += (_, e) => { if (e.Data is not null) lock (_lines) _lines.Add(e.Data); };
        _process.ErrorDataReceived += (_, e) => { if (e.Data is not null) { lock (_lines) _lines.Add(e.Data); Console.Error.WriteLine(e.Data); } };
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
    }

    public async Task<string> WaitForAsync(string pattern)
    {
        var regex = new Regex(pattern);
        for (var waited = 0; waited < 600; waited++)
        {
            lock (_lines)
                foreach (var line in _lines)
                    if (regex.Match(line) is { Success: true } m) return m.Groups[1].Value;
            if (_process.HasExited) throw new InvalidOperationException("visage serve ended: " + string.Join('\n', _lines));
            await Task.Delay(1000);
        }
        throw new TimeoutException($"visage serve printed no '{pattern}'");
    }

    public long ResidentBytes() => Status("VmRSS:") * 1024;

    public int Threads() => (int)Status("Threads:");

    /// <summary>User plus system CPU seconds the service has used (from /proc/PID/stat, clock ticks of 1/100 s).</summary>
    public double CpuSeconds()
    {
        var stat = File.ReadAllText($"/proc/{_process.Id}/stat");
        var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
        return (long.Parse(fields[11]) + long.Parse(fields[12])) / 100.0;
    }

    private long Status(string field)
    {
        var line = File.ReadLines($"/proc/{_process.Id}/status").First(l => l.StartsWith(field, StringComparison.Ordinal));
        return long.Parse(line[field.Length..].Trim().Split(' ')[0]);
    }

    public void Dispose()
    {
        if (_disposed) return;
        _disposed = true;
        if (_process.HasExited)
        {
            _process.Dispose();
            return;
        }
        using (var kill = Process.Start("kill", ["-TERM", _process.Id.ToString()])) kill.WaitForExit();
        if (!_process.WaitForExit(10_000)) _process.Kill(entireProcessTree: true);
        _process.Dispose();
    }
}
