using System.Runtime.InteropServices;
using System.Runtime.Intrinsics.X86;
using System.Runtime.Intrinsics.Arm;

namespace Visage.Execution;

/// <summary>
/// The machine a plan was tuned on: the CPU model, the logical cores this process may use and the vector
/// instructions available (a virtual machine may hide some of the host's).
/// </summary>
internal sealed record MachineProfile(string Cpu, int Cores, string Instructions)
{
    public static MachineProfile Current { get; } = new(ReadCpuModel(), Environment.ProcessorCount, ReadInstructions());

    public string Describe() => $"{Cpu}, {Cores} {(Cores == 1 ? "core" : "cores")}, {Instructions}";

    private static string ReadCpuModel()
    {
        try
        {
            if (OperatingSystem.IsLinux() && File.Exists("/proc/cpuinfo"))
            {
                var fields = new Dictionary<string, string>(StringComparer.Ordinal);
                foreach (var line in File.ReadLines("/proc/cpuinfo"))
                {
                    if (line.Length == 0) break; // the first processor is enough
                    var colon = line.IndexOf(':');
                    if (colon < 0) continue;
                    fields.TryAdd(line[..colon].Trim(), line[(colon + 1)..].Trim());
                }
                var name = fields.GetValueOrDefault("model name") ?? fields.GetValueOrDefault("Model")
                           ?? fields.GetValueOrDefault("CPU part") ?? "unknown CPU";
                if (fields.TryGetValue("cpu family", out var family) && fields.TryGetValue("model", out var model))
                    return $"{name} (family {family} model {model}" +
                           (fields.TryGetValue("stepping", out var stepping) ? $" stepping {stepping})" : ")");
                return name;
            }
            if (OperatingSystem.IsWindows())
                return Environment.GetEnvironmentVariable("PROCESSOR_IDENTIFIER") ?? "unknown CPU";
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
        }
        return $"unknown {RuntimeInformation.ProcessArchitecture} CPU";
    }

    private static string ReadInstructions()
    {
        var found = new List<string>();
        if (Avx512F.IsSupported) found.Add("avx512f");
        if (Avx512BW.IsSupported) found.Add("avx512bw");
        if (Avx512Vbmi.IsSupported) found.Add("avx512vbmi");
        if (Avx2.IsSupported) found.Add("avx2");
        if (Fma.IsSupported) found.Add("fma");
        if (AvxVnni.IsSupported) found.Add("avxvnni");
        if (AdvSimd.IsSupported) found.Add("neon");
        if (Dp.IsSupported) found.Add("dotprod");
        return found.Count == 0 ? RuntimeInformation.ProcessArchitecture.ToString().ToLowerInvariant() : string.Join(" ", found);
    }
}
