using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Headers;
using System.Text.Json;
using System.Text.RegularExpressions;

// The service under load: starts 'visage serve' (the CLI built by ./visage, in its own process) on a fresh
// gallery, enrolls a few LFW people through the API, picks single-face LFW photos (250x250) with /api/detect,
// then CLIENTS concurrent clients post them to /api/recognize for SECONDS. Reports requests per second, p50/p99
// latency, errors, and the service's resident memory (VmRSS) after a warm-up and after the run.
//
// Usage: dotnet run -c Release --project bench/Visage.LoadCheck -- [--clients 8] [--seconds 60] [--images DIR]
//        [--visage .build/cli/Visage.Cli.dll] [--model PACK] [--json]
//        [--warmup 10] (seconds at full concurrency before "before" is read)
CultureInfo.CurrentCulture = CultureInfo.InvariantCulture;
var options = Options.Parse(args);
if (!File.Exists(options.Visage))
{
    Console.Error.WriteLine($"load check: {options.Visage}: no visage build (run ./visage models fetch first, which builds it)");
    return 1;
}
if (!Directory.Exists(options.Images))
{
    Console.Error.WriteLine($"load check: {options.Images}: no such folder of LFW images (--images)");
    return 1;
}

var work = Directory.CreateTempSubdirectory("visage-load-");
var serveArgs = new List<string> { options.Visage, "serve", "--db", Path.Combine(work.FullName, "gallery.db"),
    "--data", Path.Combine(work.FullName, "data"), "--urls", "http://127.0.0.1:0", "--rate-limit", "0" };
if (options.Model is not null) serveArgs.AddRange(["--model", options.Model]);
using var server = new Server(serveArgs);
try
{
    var key = await server.WaitForAsync(@"keep it: (visage_\S+)");
    var url = await server.WaitForAsync(@"serving on (http://127\.0\.0\.1:\d+)");
    using var http = new HttpClient { BaseAddress = new Uri(url), Timeout = TimeSpan.FromSeconds(60) };
    http.DefaultRequestHeaders.Add("X-Api-Key", key);

    // Everyone with two or more photos (in name order) enrolls their first; probes are other single-face photos.
    var people = Directory.GetDirectories(options.Images).Order(StringComparer.Ordinal).ToList();
    var enrolled = 0;
    var probes = new List<(string Path, byte[] Bytes)>();
    foreach (var person in people)
    {
        var photos = Directory.GetFiles(person, "*.jpg").Order(StringComparer.Ordinal).ToList();
        if (photos.Count < 2) continue;
        if (enrolled < options.People)
        {
            using var form = Form("photos", photos[0]);
            var answer = await http.PostAsync($"/api/people/{Uri.EscapeDataString(Path.GetFileName(person))}/faces?largest=true", form);
            if (answer.IsSuccessStatusCode) enrolled++;
        }
        foreach (var photo in photos.Skip(1))
        {
            if (probes.Count == options.Probes) break;
            using var form = Form("image", photo);
            var detect = JsonDocument.Parse(await (await http.PostAsync("/api/detect", form)).Content.ReadAsStringAsync()).RootElement;
            if (detect.GetProperty("faces").GetArrayLength() == 1) probes.Add((photo, File.ReadAllBytes(photo)));
        }
        if (enrolled == options.People && probes.Count == options.Probes) break;
    }
    Console.Error.WriteLine($"load check: {enrolled} people enrolled, {probes.Count} single-face probes; warming up");

    // Warm-up at full concurrency (results dropped), so that "before" is memory sized for CLIENTS requests at once
    // (thread pool, Kestrel's buffers, the networks' arenas) and the growth measured over the run is what keeps growing.
    var warmup = Stopwatch.StartNew();
    await Task.WhenAll(Enumerable.Range(0, options.Clients).Select(client => Task.Run(async () =>
    {
        for (var i = client; warmup.Elapsed < TimeSpan.FromSeconds(options.WarmupSeconds) || i < 20; i += options.Clients)
        {
            try { await Recognize(http, probes[i % probes.Count].Bytes); }
            catch (Exception e) { Console.Error.WriteLine($"load check: warm-up error: {e.Message.Split('\n')[0]}"); }
        }
    })));
    var rssBefore = server.ResidentBytes();
    var threadsBefore = server.Threads();
    var cpuBefore = server.CpuSeconds();
    var load = Machine.LoadAverage();

    var latencies = new List<double>[options.Clients];
    var errors = 0;
    var known = 0;
    var clock = Stopwatch.StartNew();
    var end = TimeSpan.FromSeconds(options.Seconds);
    var samples = new List<double>();
    using var sampling = new CancellationTokenSource();
    var sampler = Task.Run(async () =>
    {
        try
        {
            while (true)
            {
                await Task.Delay(TimeSpan.FromSeconds(10), sampling.Token);
                lock (samples) samples.Add(Math.Round(server.ResidentBytes() / 1048576.0, 1));
            }
        }
        catch (OperationCanceledException) { }
    });
    await Task.WhenAll(Enumerable.Range(0, options.Clients).Select(client => Task.Run(async () =>
    {
        var mine = latencies[client] = [];
        for (var i = client; clock.Elapsed < end; i += options.Clients)
        {
            var started = clock.Elapsed;
            try
            {
                var answer = await Recognize(http, probes[i % probes.Count].Bytes);
                mine.Add((clock.Elapsed - started).TotalMilliseconds);
                if (answer.GetProperty("faces").EnumerateArray().Any(f => f.GetProperty("known").GetBoolean()))
                    Interlocked.Increment(ref known);
            }
            catch (Exception e)
            {
                Interlocked.Increment(ref errors);
                Console.Error.WriteLine($"load check: error: {e.GetType().Name}: {e.Message.Split('\n')[0]}");
            }
        }
    })));
    var elapsed = clock.Elapsed.TotalSeconds;
    var rssAfter = server.ResidentBytes();
    sampling.Cancel();
    await sampler;
    var all = latencies.SelectMany(l => l).Order().ToList();
    var result = new
    {
        cpu = Machine.CpuModel(),
        cores = Environment.ProcessorCount,
        loadAverageBefore = load,
        loadAverageAfter = Machine.LoadAverage(),
        clients = options.Clients,
        seconds = Math.Round(elapsed, 1),
        requests = all.Count,
        errors,
        recognisedAsKnown = known,
        requestsPerSecond = Math.Round(all.Count / elapsed, 1),
        p50Milliseconds = Math.Round(Percentile(all, 0.50), 1),
        p99Milliseconds = Math.Round(Percentile(all, 0.99), 1),
        serviceCpuSecondsPerSecond = Math.Round((server.CpuSeconds() - cpuBefore) / elapsed, 2),
        residentMegabytesBefore = Math.Round(rssBefore / 1048576.0, 1),
        residentMegabytesAfter = Math.Round(rssAfter / 1048576.0, 1),
        residentGrowthMegabytes = Math.Round((rssAfter - rssBefore) / 1048576.0, 1),
        residentMegabytesEvery10Seconds = samples,
        warmupSeconds = options.WarmupSeconds,
        threadsBefore,
        threadsAfter = server.Threads(),
        people = enrolled,
        probes = probes.Count,
    };
    Console.WriteLine(JsonSerializer.Serialize(result, new JsonSerializerOptions { WriteIndented = true }));
    return errors == 0 ? 0 : 1;
}
finally
{
    server.Dispose();
    work.Delete(recursive: true);
}

static MultipartFormDataContent Form(string field, string path)
{
    var form = new MultipartFormDataContent();
    var content = new ByteArrayContent(File.ReadAllBytes(path));
    content.Headers.ContentType = new MediaTypeHeaderValue("image/jpeg");
    form.Add(content, field, Path.GetFileName(path));
    return form;
}

static async Task<JsonElement> Recognize(HttpClient http, byte[] photo)
{
    using var form = new MultipartFormDataContent();
    var content = new ByteArrayContent(photo);
    content.Headers.ContentType = new MediaTypeHeaderValue("image/jpeg");
    form.Add(content, "image", "probe.jpg");
    using var response = await http.PostAsync("/api/recognize", form);
    var body = await response.Content.ReadAsStringAsync();
    if (!response.IsSuccessStatusCode) throw new HttpRequestException($"{(int)response.StatusCode}: {body}");
    return JsonDocument.Parse(body).RootElement.Clone();
}

static double Percentile(IReadOnlyList<double> sorted, double q) =>
    sorted.Count == 0 ? double.NaN : sorted[Math.Min(sorted.Count - 1, (int)Math.Ceiling(q * sorted.Count) - 1)];


internal sealed record Options(int Clients, int Seconds, string Images, string Visage, string? Model, int People, int Probes,
    int WarmupSeconds)
{
    public static Options Parse(string[] args)
    {
        string? Value(string name) => args.SkipWhile(a => a != name).Skip(1).FirstOrDefault();
        var shared = Environment.GetEnvironmentVariable("VISAGE_SHARED") ?? Path.Combine("..", "shared");
        return new Options(
            int.Parse(Value("--clients") ?? "8"),
            int.Parse(Value("--seconds") ?? "60"),
            Value("--images") ?? Path.Combine(shared, "data", "lfw", "images"),
            Value("--visage") ?? Path.Combine(".build", "cli", "Visage.Cli.dll"),
            Value("--model"),
            int.Parse(Value("--people") ?? "100"),
            int.Parse(Value("--probes") ?? "200"),
            int.Parse(Value("--warmup") ?? "10"));
    }
}
