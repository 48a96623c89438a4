using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using Visage.Video;

// What one network camera costs to read through ffmpeg, and how long an outage lasts when its server comes back.
// A camera-like stream (H.264, a key frame a second) is pushed live by `ffmpeg -re` to Debian's rtsp-server-perl on
// loopback and read as `visage watch --url` reads it (RTP over UDP, the only transport that server has).
// Usage: dotnet run -c Release --project bench/Visage.StreamBench -- [SECONDS=30] [WIDTH=1280] [HEIGHT=720] [FPS=15]
var seconds = args.Length > 0 ? double.Parse(args[0], CultureInfo.InvariantCulture) : 30;
var width = args.Length > 1 ? int.Parse(args[1], CultureInfo.InvariantCulture) : 1280;
var height = args.Length > 2 ? int.Parse(args[2], CultureInfo.InvariantCulture) : 720;
var fps = args.Length > 3 ? int.Parse(args[3], CultureInfo.InvariantCulture) : 15;

var folder = Directory.CreateTempSubdirectory("visage-streambench-").FullName;
var clip = Path.Combine(folder, "clip.mkv");
Run("ffmpeg", "-hide_banner", "-loglevel", "error", "-y", "-f", "lavfi", "-i", $"testsrc2=size={width}x{height}:rate={fps}",
    "-t", "10", "-c:v", "libx264", "-preset", "veryfast", "-g", fps.ToString(), "-pix_fmt", "yuv420p", clip);

int clientPort = FreePort(), sourcePort = FreePort();
var processes = new List<Process>();
try
{
    StartCamera();
    var options = new VideoInputOptions { StallTimeout = TimeSpan.FromSeconds(5) };
    var url = new VideoSource.Url($"rtsp://127.0.0.1:{clientPort}/bench");
    await WaitPlayableAsync(url.Address);

    var opening = Stopwatch.StartNew();
    using var input = await VideoInput.OpenAsync(url, options with { RtspTransport = RtspTransport.Udp });
    var openSeconds = opening.Elapsed.TotalSeconds;
    var reader = ChildFfmpeg() ?? throw new InvalidOperationException("no ffmpeg child found");

    // Steady reading: frames per second, the ffmpeg child's CPU and memory, and this process's CPU.
    var (childCpu0, self0) = (CpuSeconds(reader), Process.GetCurrentProcess().TotalProcessorTime.TotalSeconds);
    var clock = Stopwatch.StartNew();
    long frames = 0;
    long peakRss = 0;
    while (clock.Elapsed.TotalSeconds < seconds)
    {
        using var frame = input.Read() ?? throw new InvalidOperationException("the stream ended");
        frames++;
        if (frames % fps == 0) peakRss = Math.Max(peakRss, RssKilobytes(reader));
    }
    var wall = clock.Elapsed.TotalSeconds;
    var childCpu = (CpuSeconds(reader) - childCpu0) / wall;
    var selfCpu = (Process.GetCurrentProcess().TotalProcessorTime.TotalSeconds - self0) / wall;

    // An outage: the server and its publisher die and start again at once; how long until pictures come back?
    var back = new TaskCompletionSource<ConnectionEvent>(TaskCreationOptions.RunContinuationsAsynchronously);
    input.ConnectionChanged += e =>
    {
        if (e.Kind == ConnectionEventKind.Reconnected) back.TrySetResult(e);
    };
    using var stop = new CancellationTokenSource();
    var reading = Task.Run(() =>
    {
        while (!stop.IsCancellationRequested) input.Read(stop.Token)?.Dispose();
    });
    await Task.Delay(1000);
    foreach (var process in processes) Kill(process);
    processes.Clear();
    var restarted = Stopwatch.StartNew();
    StartCamera();
    var reconnected = await back.Task.WaitAsync(TimeSpan.FromMinutes(2));
    var backAfter = restarted.Elapsed.TotalSeconds;
    stop.Cancel();
    try { await reading; } catch (OperationCanceledException) { }

    Console.WriteLine($"{width}x{height} H.264 at {fps} fps over RTSP/UDP, {Environment.ProcessorCount} cores, {seconds:0} s");
    Console.WriteLine($"first picture after {openSeconds:0.00} s; read {frames / wall:0.0} frames/s");
    Console.WriteLine($"ffmpeg reader: {childCpu * 100:0.0}% of one core, peak RSS {peakRss / 1024.0:0.0} MiB; " +
                      $"this process reading: {selfCpu * 100:0.0}% of one core");
    Console.WriteLine($"server restarted: pictures back {backAfter:0.00} s later " +
                      $"({reconnected.Attempt} attempts, down {reconnected.Downtime?.TotalSeconds:0.00} s in all)");
    return 0;
}
finally
{
    foreach (var process in processes) Kill(process);
    Directory.Delete(folder, recursive: true);
}

void StartCamera()
{
    processes.Add(Start("rtsp-server-perl", "--clientport", clientPort.ToString(), "--serverport", sourcePort.ToString(),
        "--client_listen_address", "127.0.0.1", "--source_listen_address", "127.0.0.1", "--loglevel", "1"));
    var ready = Stopwatch.StartNew();
    while (!Listening(sourcePort) && ready.Elapsed < TimeSpan.FromSeconds(30)) Thread.Sleep(50);
    processes.Add(Start("ffmpeg", "-hide_banner", "-loglevel", "error", "-nostdin", "-re", "-stream_loop", "-1", "-i", clip,
        "-c", "copy", "-f", "rtsp", "-rtsp_transport", "udp", $"rtsp://127.0.0.1:{sourcePort}/bench"));
}

static async Task WaitPlayableAsync(string url)
{
    for (var i = 0; i < 100; i++)
    {
        var probe = Start("ffprobe", "-v", "quiet", "-rtsp_transport", "udp", "-show_streams", "-of", "csv", url);
        await probe.WaitForExitAsync();
        if (probe.ExitCode == 0) return;
        await Task.Delay(200);
    }
    throw new InvalidOperationException($"{url} never became playable");
}

// The ffmpeg that VideoInput started: this process's child writing raw frames to its standard output (the
// publisher is a child too).
static Process? ChildFfmpeg()
{
    var self = Environment.ProcessId.ToString();
    foreach (var dir in Directory.EnumerateDirectories("/proc"))
    {
        var stat = Path.Combine(dir, "stat");
        if (!int.TryParse(Path.GetFileName(dir), out var pid) || !File.Exists(stat)) continue;
        string text;
        try { text = File.ReadAllText(stat); } catch (IOException) { continue; }
        var fields = text[(text.LastIndexOf(')') + 2)..].Split(' ');
        if (fields[1] != self || !text.Contains("(ffmpeg)")) continue;
        if (File.ReadAllText(Path.Combine(dir, "cmdline")).Split('\0').Contains("pipe:1")) return Process.GetProcessById(pid);
    }
    return null;
}

static double CpuSeconds(Process process)
{
    var text = File.ReadAllText($"/proc/{process.Id}/stat");
    var fields = text[(text.LastIndexOf(')') + 2)..].Split(' ');
    // utime and stime, fields 14 and 15 of stat, in clock ticks (100 a second on Linux).
    return (long.Parse(fields[11]) + long.Parse(fields[12])) / 100.0;
}

static long RssKilobytes(Process process)
{
    var line = File.ReadLines($"/proc/{process.Id}/status").FirstOrDefault(l => l.StartsWith("VmRSS:"));
    return line is null ? 0 : long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1]);
}

static int FreePort()
{
    var listener = new TcpListener(IPAddress.Loopback, 0);
    listener.Start();
    var port = ((IPEndPoint)listener.LocalEndpoint).Port;
    listener.Stop();
    return port;
}

static bool Listening(int port) =>
    File.ReadLines("/proc/net/tcp").Skip(1).Select(l => l.Split(' ', StringSplitOptions.RemoveEmptyEntries))
        .Any(f => f[3] == "0A" && int.Parse(f[1][(f[1].LastIndexOf(':') + 1)..], NumberStyles.HexNumber) == port);

static Process Start(string program, params string[] arguments)
{
    var start = new ProcessStartInfo(program)
    {
        UseShellExecute = false, RedirectStandardInput = true, RedirectStandardOutput = program == "ffprobe",
    };
    foreach (var argument in arguments) start.ArgumentList.Add(argument);
    var process = Process.Start(start)!;
    process.StandardInput.Close();
    return process;
}

static void Run(string program, params string[] arguments)
{
    using var process = Start(program, arguments);
    process.WaitForExit();
    if (process.ExitCode != 0) throw new InvalidOperationException($"{program} failed ({process.ExitCode})");
}

static void Kill(Process process)
{
    try { process.Kill(entireProcessTree: true); } catch (InvalidOperationException) { }
    process.WaitForExit();
}
