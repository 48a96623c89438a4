using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Net.Sockets;
using System.Text.Json;
using System.Text.RegularExpressions;

// Two cameras in the service for a long while: starts 'visage serve' (the CLI built by ./visage, in its own process)
// on a fresh gallery, enrolls one LFW person through the API, makes two 250x250 clips of LFW photos (that person on a
// photo not enrolled, and a stranger, 2 s each), publishes each, looped in real time, to Debian's rtsp-server-perl
// on loopback, and adds both streams as cameras. Every SAMPLE seconds it reads the service's resident memory and
// thread count (/proc) and each camera's status (frames per second read and recognised, frames dropped); at the end
// it prints every sample and a summary: memory and threads in the first and last minute, fps mean and range,
// greetings and strangers stored, the load average and the CPU.
//
// Usage: dotnet run -c Release --project bench/Visage.CameraSoak -- [--minutes 10] [--sample 10] [--images DIR]
//        [--visage .build/cli/Visage.Cli.dll]
CultureInfo.CurrentCulture = CultureInfo.InvariantCulture;
var options = Options.Parse(args);
if (!File.Exists(options.Visage))
{
    Console.Error.WriteLine($"camera soak: {options.Visage}: no visage build (run ./visage models fetch first, which builds it)");
    return 1;
}

var work = Directory.CreateTempSubdirectory("visage-soak-");
var children = new List<Process>();
Server? server = null;
try
{
    // Two people with two photos or more: the first is enrolled from photo 1 and filmed on photo 2; the second is the stranger.
    var people = Directory.GetDirectories(options.Images).Order(StringComparer.Ordinal)
        .Select(d => Directory.GetFiles(d, "*.jpg").Order(StringComparer.Ordinal).ToList())
        .Where(p => p.Count >= 2).Take(2).ToList();
    var (known, stranger) = (people[0], people[1]);
    var clips = new[]
    {
        MakeClip(work.FullName, "door", [known[1], stranger[0]]),
        MakeClip(work.FullName, "yard", [stranger[1], known[1]]),
    };

    var clientPort = FreePort();
    var sourcePort = FreePort();
    children.Add(Start("rtsp-server-perl", "--clientport", clientPort.ToString(), "--serverport", sourcePort.ToString(),
        "--client_listen_address", "127.0.0.1", "--source_listen_address", "127.0.0.1", "--rtp_start_port",
        (30_000 + 2 * Random.Shared.Next(10_000)).ToString(), "--loglevel", "2"));
    await WaitListeningAsync(clientPort);
    await WaitListeningAsync(sourcePort);
    foreach (var (clip, path) in clips.Zip(new[] { "door", "yard" }))
        children.Add(Start("ffmpeg", "-hide_banner", "-nostdin", "-loglevel", "warning", "-re", "-stream_loop", "-1", "-i", clip,
            "-an", "-c:v", "libx264", "-preset", "ultrafast", "-tune", "zerolatency", "-g", "10", "-pix_fmt", "yuv420p",
            "-f", "rtsp", "-rtsp_transport", "udp", $"rtsp://127.0.0.1:{sourcePort}/{path}"));

    server = new Server([options.Visage, "serve", "--db", Path.Combine(work.FullName, "gallery.db"),
        "--data", Path.Combine(work.FullName, "data"), "--urls", "http://127.0.0.1:0", "--rate-limit", "0", "--cooldown", "1m"]);
    var key = await server.WaitForAsync(@"keep it: (visage_\S+)");
    var url = await server.WaitForAsync(@"serving on (http://127\.0\.0\.1:\d+)");
    using var http = new HttpClient { BaseAddress = new Uri(url), Timeout = TimeSpan.FromSeconds(60) };
    http.DefaultRequestHeaders.Add("X-Api-Key", key);
    var person = Path.GetFileName(Path.GetDirectoryName(known[0]))!;
    using (var form = new MultipartFormDataContent())
    {
        var content = new ByteArrayContent(File.ReadAllBytes(known[0]));
        content.Headers.ContentType = new MediaTypeHeaderValue("image/jpeg");
        form.Add(content, "photos", "enrol.jpg");
        (await http.PostAsync($"/api/people/{Uri.EscapeDataString(person)}/faces?largest=true", form)).EnsureSuccessStatusCode();
    }
    await Task.Delay(3000); // let the streams start before the cameras open them
    foreach (var name in new[] { "door", "yard" })
        (await http.PostAsJsonAsync("/api/cameras", new
        {
            name, source = $"rtsp://viewer:soak-pass@127.0.0.1:{clientPort}/{name}", rtspTransport = "udp", cooldownSeconds = 60,
        })).EnsureSuccessStatusCode();
    Console.Error.WriteLine($"camera soak: {person} enrolled, two cameras added; sampling every {options.Sample} s for {options.Minutes} min");

    var samples = new List<Sample>();
    var loadBefore = Machine.LoadAverage();
    var clock = Stopwatch.StartNew();
    var cpuBefore = server.CpuSeconds();
    while (clock.Elapsed < TimeSpan.FromMinutes(options.Minutes))
    {
        await Task.Delay(TimeSpan.FromSeconds(options.Sample));
        var cameras = JsonDocument.Parse(await http.GetStringAsync("/api/cameras")).RootElement.GetProperty("cameras")
            .EnumerateArray().Select(c => c.GetProperty("status")).ToList();
        var sample = new Sample(Math.Round(clock.Elapsed.TotalSeconds), Math.Round(server.ResidentBytes() / 1048576.0, 1), server.Threads(),
            cameras.Select(c => c.GetProperty("state").GetString()!).ToList(),
            cameras.Select(c => c.GetProperty("fpsRead").GetDouble()).ToList(),
            cameras.Select(c => c.GetProperty("fpsRecognised").GetDouble()).ToList(),
            cameras.Select(c => c.GetProperty("framesDropped").GetInt64()).ToList(),
            cameras.Sum(c => c.GetProperty("greetings").GetInt32()), cameras.Sum(c => c.GetProperty("unknown").GetInt32()));
        samples.Add(sample);
        Console.Error.WriteLine($"camera soak: {JsonSerializer.Serialize(sample)}");
    }
    var elapsed = clock.Elapsed.TotalSeconds;
    var firstMinute = samples.Where(s => s.Seconds <= 60).ToList();
    var lastMinute = samples.Where(s => s.Seconds > elapsed - 60).ToList();
    var events = JsonDocument.Parse(await http.GetStringAsync("/api/events?limit=500")).RootElement.GetProperty("events");
    var steady = samples.Skip(1).ToList(); // the first sample holds the cameras' start
    var result = new
    {
        cpu = Machine.CpuModel(),
        cores = Environment.ProcessorCount,
        loadAverageBefore = loadBefore,
        loadAverageAfter = Machine.LoadAverage(),
        minutes = Math.Round(elapsed / 60, 1),
        cameras = 2,
        serviceCpuSecondsPerSecond = Math.Round((server.CpuSeconds() - cpuBefore) / elapsed, 2),
        residentMegabytesFirstMinute = firstMinute.Average(s => s.ResidentMegabytes),
        residentMegabytesLastMinute = lastMinute.Average(s => s.ResidentMegabytes),
        residentMegabytesMax = samples.Max(s => s.ResidentMegabytes),
        threadsFirstMinute = firstMinute.Average(s => s.Threads),
        threadsLastMinute = lastMinute.Average(s => s.Threads),
        threadsMax = samples.Max(s => s.Threads),
        fpsReadMean = steady.SelectMany(s => s.FpsRead).DefaultIfEmpty().Average(),
        fpsReadMin = steady.SelectMany(s => s.FpsRead).DefaultIfEmpty().Min(),
        fpsRecognisedMean = steady.SelectMany(s => s.FpsRecognised).DefaultIfEmpty().Average(),
        fpsRecognisedMin = steady.SelectMany(s => s.FpsRecognised).DefaultIfEmpty().Min(),
        fpsRecognisedMax = steady.SelectMany(s => s.FpsRecognised).DefaultIfEmpty().Max(),
        framesDropped = samples[^1].Dropped.Sum(),
        notConnectedSamples = samples.Sum(s => s.States.Count(x => x != "connected")),
        greetings = samples[^1].Greetings,
        strangers = samples[^1].Unknown,
        eventsStored = events.GetArrayLength(),
        samples,
    };
    Console.WriteLine(JsonSerializer.Serialize(result, new JsonSerializerOptions { WriteIndented = true }));
    return 0;
}
finally
{
    server?.Dispose();
    foreach (var child in children)
    {
        try { child.Kill(entireProcessTree: true); } catch (InvalidOperationException) { }
        child.Dispose();
    }
    work.Delete(recursive: true);
}

static string MakeClip(string folder, string name, IReadOnlyList<string> photos)
{
    var list = Path.Combine(folder, name + ".txt");
    File.WriteAllLines(list, photos.SelectMany(p => new[] { $"file '{p.Replace("'", "'\\''")}'", "duration 2" })
        .Append($"file '{photos[^1].Replace("'", "'\\''")}'"));
    var clip = Path.Combine(folder, name + ".mp4");
    using var ffmpeg = Start("ffmpeg", "-hide_banner", "-nostdin", "-loglevel", "error", "-y", "-f", "concat", "-safe", "0", "-i", list,
        "-vf", "fps=10,scale=250:250", "-an", "-c:v", "libx264", "-preset", "ultrafast", "-g", "10", "-pix_fmt", "yuv420p", clip);
    ffmpeg.WaitForExit();
    if (ffmpeg.ExitCode != 0) throw new InvalidOperationException($"ffmpeg could not make {clip}");
    return clip;
}

static Process Start(string program, params string[] arguments)
{
    var start = new ProcessStartInfo(program) { UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true };
    foreach (var argument in arguments) start.ArgumentList.Add(argument);
    var process = Process.Start(start)!;
    process.OutputDataReceived += (_, _) => { };
    process.ErrorDataReceived += (_, e) => { if (e.Data is { Length: > 0 }) Console.Error.WriteLine($"{program}: {e.Data}"); };
    process.BeginOutputReadLine();
    process.BeginErrorReadLine();
    return process;
}

static int FreePort()
{
    using var listener = new TcpListener(System.Net.IPAddress.Loopback, 0);
    listener.Start();
    return ((System.Net.IPEndPoint)listener.LocalEndpoint).Port;
}

static async Task WaitListeningAsync(int port)
{
    for (var i = 0; i < 300; i++)
    {
        try
        {
            using var client = new TcpClient();
            await client.ConnectAsync("127.0.0.1", port);
            return;
        }
        catch (SocketException)
        {
            await Task.Delay(100);
        }
    }
    throw new TimeoutException($"nothing listens on 127.0.0.1:{port}");
}


internal sealed record Sample(double Seconds, double ResidentMegabytes, int Threads, IReadOnlyList<string> States,
    IReadOnlyList<double> FpsRead, IReadOnlyList<double> FpsRecognised, IReadOnlyList<long> Dropped, int Greetings, int Unknown);

internal sealed record Options(double Minutes, int Sample, string Images, string Visage)
{
    public static Options Parse(string[] args)
    {
        string? Value(string name) => args.SkipWhile(a => a != name).Skip(1).FirstOrDefault();
        var shared = Environment.GetEnvironmentVariable("VISAGE_SHARED") ?? Path.Combine("..", "shared");
        return new Options(
            double.Parse(Value("--minutes") ?? "10"),
            int.Parse(Value("--sample") ?? "10"),
            Value("--images") ?? Path.Combine(shared, "data", "lfw", "images"),
            Value("--visage") ?? Path.Combine(".build", "cli", "Visage.Cli.dll"));
    }
}
