using System.Diagnostics;
using System.Net;
using System.Text.Json;
using Visage.Tests.Cli;
using Visage.Tests.TestData;

namespace Visage.Tests.Server;

/// <summary><c>visage serve</c> and <c>visage keys</c> as a user runs them: real processes, a real port.</summary>
[Collection(CliCollection.Name)]
public sealed class ServeCliTests : IDisposable
{
    private readonly TempFolder _temp = new();

    public void Dispose() => _temp.Dispose();

    [Fact]
    public async Task Keys_are_created_listed_without_their_secret_and_revoked()
    {
        var data = _temp.File("data");
        var created = await VisageCli.RunAsync("keys", "create", "front door", "--role", "recognize", "--data", data, "--json");
        Assert.True(created.ExitCode == 0, created.ToString());
        var secret = created.Json.GetProperty("key").GetString()!;
        var id = created.Json.GetProperty("id").GetString()!;
        Assert.StartsWith("visage_", secret);

        var listed = await VisageCli.RunAsync("keys", "list", "--data", data, "--json");
        Assert.True(listed.ExitCode == 0, listed.ToString());
        Assert.DoesNotContain(secret, listed.Out);
        var key = listed.Json.GetProperty("keys").EnumerateArray().Single();
        Assert.Equal(("front door", "recognize"), (key.GetProperty("name").GetString(), key.GetProperty("role").GetString()));

        var revoked = await VisageCli.RunAsync("keys", "revoke", id, "--data", data);
        Assert.True(revoked.ExitCode == 0, revoked.ToString());
        Assert.Contains("revoked key " + id, revoked.Out);

        var unknown = await VisageCli.RunAsync("keys", "revoke", "nope", "--data", data);
        Assert.Equal(1, unknown.ExitCode);
        Assert.Matches(@"^visage: error: .*keys\.db: no API key with id nope\n?$", unknown.Err);
        var badRole = await VisageCli.RunAsync("keys", "create", "x", "--role", "root", "--data", data);
        Assert.Equal(2, badRole.ExitCode);
        Assert.Contains("--role", badRole.Err);
    }

    [Fact]
    public async Task Serve_prints_the_first_admin_key_once_answers_on_its_port_and_stops_on_sigterm()
    {
        var data = _temp.File("data");
        var gallery = _temp.File("gallery.db");
        string key;
        using (var first = Serve(gallery, data))
        {
            key = await first.WaitForLineAsync(@"created an admin API key; it is shown this once, keep it: (visage_\S+)");
            var url = await first.WaitForLineAsync(@"serving on (http://127\.0\.0\.1:\d+)");
            using var client = new HttpClient { BaseAddress = new Uri(url) };
            Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/health")).StatusCode);
            Assert.Equal(HttpStatusCode.Unauthorized, (await client.GetAsync("/api/version")).StatusCode);
            client.DefaultRequestHeaders.Add("X-Api-Key", key);
            var version = JsonDocument.Parse(await client.GetStringAsync("/api/version")).RootElement;
            Assert.Equal(gallery, version.GetProperty("gallery").GetString());
            Assert.Equal(143, await first.StopAsync("TERM"));
        }
        Assert.True(File.Exists(gallery));

        // A second start finds the admin key and makes no other.
        using var second = Serve(gallery, data);
        await second.WaitForLineAsync(@"serving on (http://127\.0\.0\.1:\d+)");
        Assert.Equal(130, await second.StopAsync("INT"));
        Assert.DoesNotContain("created an admin API key", second.Output);
        Assert.DoesNotContain(key, second.Output);
    }

    [Fact]
    public async Task Serve_refuses_bad_options_in_one_line()
    {
        var refused = await VisageCli.RunAsync("serve", "--max-request-mb", "0", "--data", _temp.File("data"));
        Assert.Equal(2, refused.ExitCode);
        Assert.Matches(@"^visage: error: --max-request-mb: must be above 0, not 0\n?$", refused.Err);
        var cooldown = await VisageCli.RunAsync("serve", "--cooldown", "soon", "--data", _temp.File("data"));
        Assert.Equal(2, cooldown.ExitCode);
        Assert.Contains("--cooldown", cooldown.Err);
        var retention = await VisageCli.RunAsync("serve", "--retention", "forever", "--data", _temp.File("data"));
        Assert.Equal(2, retention.ExitCode);
        Assert.Matches(@"^visage: error: --retention: 'forever' is not a duration \(.*\)\n?$", retention.Err);
        var none = await VisageCli.RunAsync("serve", "--retention", "0d", "--data", _temp.File("data"));
        Assert.Equal(2, none.ExitCode);
        Assert.Matches(@"^visage: error: --retention: must be longer than zero, not 0d\n?$", none.Err);
    }

    [Theory]
    [InlineData("1.5", "a liveness threshold between 0 and 1 is needed, not 1.5")]
    [InlineData("0", "a liveness threshold between 0 and 1 is needed, not 0")]
    [InlineData("high", "'high' is not a number")]
    public async Task Serve_refuses_a_liveness_threshold_outside_zero_to_one_in_one_line_naming_it(string value, string why)
    {
        var refused = await VisageCli.RunAsync("serve", "--liveness-threshold", value, "--db", _temp.File("gallery.db"),
            "--data", _temp.File("data"), "--urls", "http://127.0.0.1:0");

        Assert.Equal(2, refused.ExitCode);
        Assert.Matches($@"^visage: error: --liveness-threshold: {System.Text.RegularExpressions.Regex.Escape(why)}( \(see 'visage serve --help'\))?\n?$", refused.Err);
        Assert.False(File.Exists(_temp.File("gallery.db")));
    }

    [Fact]
    public async Task Serve_with_a_liveness_threshold_checks_uploads_at_it_and_says_it()
    {
        using var serve = Serve(_temp.File("gallery.db"), _temp.File("data"), "--liveness-threshold", "0.99");
        var key = await serve.WaitForLineAsync(@"created an admin API key; it is shown this once, keep it: (visage_\S+)");
        var url = await serve.WaitForLineAsync(@"serving on (http://127\.0\.0\.1:\d+)");
        using var client = new HttpClient { BaseAddress = new Uri(url) };
        client.DefaultRequestHeaders.Add("X-Api-Key", key);

        var before = JsonDocument.Parse(await client.GetStringAsync("/api/version")).RootElement.GetProperty("liveness");
        Assert.Equal(0.99, before.GetProperty("threshold").GetDouble(), 6);
        Assert.False(before.GetProperty("loaded").GetBoolean());
        var answer = await client.PostAsync("/api/recognize?liveness=true", Http.Photos("image", Lfw.PhotosOf(Lfw.People()[0])[0]));
        var body = await answer.Content.ReadAsStringAsync();
        Assert.True(answer.IsSuccessStatusCode, body);
        var check = JsonDocument.Parse(body).RootElement.GetProperty("faces")[0].GetProperty("liveness");
        Assert.Equal(0.99, check.GetProperty("threshold").GetDouble(), 6);
        Assert.Equal(check.GetProperty("score").GetDouble() >= 0.99, check.GetProperty("live").GetBoolean());
        var after = JsonDocument.Parse(await client.GetStringAsync("/api/version")).RootElement.GetProperty("liveness");
        Assert.Equal((0.99, true), (after.GetProperty("threshold").GetDouble(), after.GetProperty("loaded").GetBoolean()));
        Assert.Equal(143, await serve.StopAsync("TERM"));
    }

    private static ServeProcess Serve(string gallery, string data, params string[] extra) =>
        new(["serve", "--db", gallery, "--data", data, "--urls", "http://127.0.0.1:0", .. extra]);

    /// <summary>visage serve running, its standard output read line by line as it comes.</summary>
    private sealed class ServeProcess : IDisposable
    {
        private readonly Process _process;
        private readonly List<string> _lines = [];
        private readonly SemaphoreSlim _newLine = new(0);

        public ServeProcess(string[] args)
        {
            _process = Process.Start(CliProcess.StartInfo(args))!;
            _process.OutputDataReceived += (_, e) => Add(e.Data);
            _process.ErrorDataReceived += (_, e) => Add(e.Data);
            _process.BeginOutputReadLine();
            _process.BeginErrorReadLine();
        }

        public string Output
        {
            get { lock (_lines) return string.Join('\n', _lines); }
        }

        private void Add(string? line)
        {
            if (line is null) return;
            lock (_lines) _lines.Add(line);
            _newLine.Release();
        }

        /// <summary>Waits for a line matching the pattern; returns its first group. A process that ends first fails the test.</summary>
        public async Task<string> WaitForLineAsync(string pattern)
        {
            var regex = new System.Text.RegularExpressions.Regex(pattern);
            using var limit = new CancellationTokenSource(TimeSpan.FromMinutes(4));
            while (true)
            {
                lock (_lines)
                    foreach (var line in _lines)
                        if (regex.Match(line) is { Success: true } match) return match.Groups[1].Value;
                if (_process.HasExited) throw new InvalidOperationException($"visage serve ended (exit {_process.ExitCode}):\n{Output}");
                try
                {
                    await _newLine.WaitAsync(TimeSpan.FromSeconds(1), limit.Token);
                }
                catch (OperationCanceledException)
                {
                    throw new TimeoutException($"no line like '{pattern}':\n{Output}");
                }
            }
        }

        public async Task<int> StopAsync(string signal)
        {
            using (var kill = Process.Start("kill", ["-" + signal, _process.Id.ToString()])) await kill.WaitForExitAsync();
            using var limit = new CancellationTokenSource(TimeSpan.FromSeconds(30));
            await _process.WaitForExitAsync(limit.Token);
            return _process.ExitCode;
        }

        public void Dispose()
        {
            if (!_process.HasExited) _process.Kill(entireProcessTree: true);
            _process.Dispose();
        }
    }
}
