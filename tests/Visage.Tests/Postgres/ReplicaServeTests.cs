using Visage.Models;
using System.Diagnostics;
using System.Net;
using System.Text.Json;
using Npgsql;
using Visage.Tests.Server;
using Visage.Tests.TestData;
using Xunit.Abstractions;

namespace Visage.Tests.Postgres;

/// <summary>
/// Two <c>visage serve</c> processes sharing one PostgreSQL store, as replicas behind a load balancer: a face
/// enrolled through one is recognised by the other, a person deleted through one is gone from the other, and
/// one killed (-9) in the middle of an enrolment leaves nothing half-written while the other keeps serving;
/// restarted, it catches up.
/// </summary>
[Collection(PostgresCollection.Name)]
public sealed class ReplicaServeTests(PostgresFixture fixture, ITestOutputHelper output) : IDisposable
{
    private const string Password = "s3cret-not-shown";
    private readonly TempFolder _temp = new();

    public void Dispose() => _temp.Dispose();

    [Fact]
    public async Task Two_replicas_share_enrolments_and_deletions_and_a_killed_one_leaves_nothing_half_written()
    {
        var database = await fixture.Server.CreateDatabaseNameAsync();
        // The test server trusts local connections, so the password is never checked: it is there to be hidden.
        var store = fixture.Server.UrlOf(database).Replace($"{PostgresServer.User}@", $"{PostgresServer.User}:{Password}@");
        var dataA = _temp.File("a");
        var dataB = _temp.File("b");

        var ada = Lfw.People().First(p => Lfw.PhotosOf(p).Count >= 2);
        var crowd = Lfw.People().OrderByDescending(p => Lfw.PhotosOf(p).Count).First();

        var a = Replica.Start(["serve", "--store", store, "--data", dataA, "--urls", "http://127.0.0.1:0"], new());
        // B is given the store by the environment variable alone.
        using var b = Replica.Start(["serve", "--data", dataB, "--urls", "http://127.0.0.1:0"], new() { ["VISAGE_STORE"] = store });
        try
        {
            using var clientA = await a.ClientAsync();
            using var clientB = await b.ClientAsync();

            // Enrolled through A, recognised by B.
            var added = await clientA.PostAsync($"/api/people/{Uri.EscapeDataString(ada)}/faces", Http.Photos("photos", Lfw.PhotosOf(ada)[0]));
            Assert.True(added.StatusCode == HttpStatusCode.Created, await added.Content.ReadAsStringAsync());
            var clock = Stopwatch.StartNew();
            await Until(async () => await FacesAsync(clientB) == 1, "B's index holds the face enrolled on A");
            output.WriteLine($"in B's index {clock.Elapsed.TotalMilliseconds:0} ms after A's enrolment returned (load {Load()})");
            await Until(async () => await WhoAsync(clientB, Lfw.PhotosOf(ada)[1]) == ada, "B recognises the face enrolled on A");
            output.WriteLine($"recognised on B {clock.Elapsed.TotalMilliseconds:0} ms after A's enrolment returned, its own recognition included");

            // Deleted through B, gone from A.
            Assert.Equal(HttpStatusCode.OK, (await clientB.DeleteAsync($"/api/people/{Uri.EscapeDataString(ada)}")).StatusCode);
            clock.Restart();
            await Until(async () => await WhoAsync(clientA, Lfw.PhotosOf(ada)[1]) is null, "A forgets the person deleted on B");
            output.WriteLine($"forgotten on A {clock.Elapsed.TotalMilliseconds:0} ms after B's deletion returned");

            // A killed (-9) while it enrols many photos.
            var photos = Lfw.PhotosOf(crowd).Take(40).ToArray();
            var upload = clientA.PostAsync($"/api/people/{Uri.EscapeDataString(crowd)}/faces", Http.Photos("photos", photos));
            await Until(async () => await CountAsync(database, "SELECT count(*) FROM faces") >= 2, "A has committed a few faces");
            a.Kill();
            await Assert.ThrowsAnyAsync<Exception>(() => upload);

            // Nothing half-written: every face whole (its person, a full encoding, its crop), each add logged once.
            var faces = await CountAsync(database, "SELECT count(*) FROM faces");
            Assert.InRange(faces, 2, photos.Length - 1);
            Assert.Equal(0, await CountAsync(database, $"""
                SELECT count(*) FROM faces f LEFT JOIN identities i ON i.id = f.identity_id
                WHERE i.id IS NULL OR length(f.embedding) <> {ModelCatalog.Default.Dimensions * sizeof(float)} OR f.crop IS NULL
                """));
            Assert.Equal(faces, await CountAsync(database,
                "SELECT count(*) FROM changes c JOIN faces f ON f.id = c.face_id WHERE c.kind = 'add'"));

            // B keeps serving, and has every committed face: one of the photos committed is recognised.
            await Until(async () => await FacesAsync(clientB) == faces, "B holds every face A committed");
            var first = await FirstSourceAsync(database);
            var committed = photos.First(p => Path.GetFileName(p) == first);
            Assert.Equal(crowd, await WhoAsync(clientB, committed));

            // A restarted catches up from the store.
            using var again = Replica.Start(["serve", "--store", store, "--data", dataA, "--urls", "http://127.0.0.1:0"], new());
            using var clientAgain = await again.ClientAsync();
            Assert.Equal(faces, await FacesAsync(clientAgain));
            Assert.Equal(crowd, await WhoAsync(clientAgain, committed));
            var health = JsonDocument.Parse(await clientAgain.GetStringAsync("/health")).RootElement.GetProperty("checks");
            Assert.Equal("healthy", health.GetProperty("index").GetProperty("status").GetString());
            Assert.Contains("following the store", health.GetProperty("index").GetProperty("description").GetString());
            Assert.Contains(":***@", health.GetProperty("gallery").GetProperty("description").GetString());

            // The password is in no output and no answer.
            Assert.DoesNotContain(Password, a.Output + b.Output + again.Output);
            Assert.DoesNotContain(Password, await clientAgain.GetStringAsync("/api/version"));
        }
        finally
        {
            a.Dispose();
        }
    }

    private static async Task<string?> WhoAsync(HttpClient client, string photo)
    {
        var answer = await client.PostAsync("/api/recognize", Http.Photos("image", photo));
        Assert.True(answer.IsSuccessStatusCode, await answer.Content.ReadAsStringAsync());
        var face = (await answer.JsonAsync()).GetProperty("faces").EnumerateArray().First();
        return face.GetProperty("person").GetString();
    }

    private static async Task<int> FacesAsync(HttpClient client) =>
        JsonDocument.Parse(await client.GetStringAsync("/api/version")).RootElement.GetProperty("faces").GetInt32();

    private async Task<string> FirstSourceAsync(string database)
    {
        await using var connection = new NpgsqlConnection(fixture.Server.ConnectionString(database));
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand("SELECT source_path FROM faces ORDER BY id LIMIT 1", connection);
        // An upload is stored under its label, photos 'NAME.jpg'.
        var source = (string)(await command.ExecuteScalarAsync())!;
        return source[(source.IndexOf('\'') + 1)..source.LastIndexOf('\'')];
    }

    private async Task<long> CountAsync(string database, string sql)
    {
        await using var connection = new NpgsqlConnection(fixture.Server.ConnectionString(database));
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        return (long)(await command.ExecuteScalarAsync())!;
    }

    /// <summary>Polls until the condition holds; a minute without it fails (a timing-free check: only the outcome counts).</summary>
    private static async Task Until(Func<Task<bool>> condition, string what)
    {
        var limit = Stopwatch.StartNew();
        while (!await condition())
        {
            if (limit.Elapsed > TimeSpan.FromMinutes(1)) throw new TimeoutException($"not within a minute: {what}");
            await Task.Delay(50);
        }
    }

    private static string Load() => File.Exists("/proc/loadavg") ? File.ReadAllText("/proc/loadavg").Split(' ')[0] : "?";

    /// <summary>One <c>visage serve</c> process, its output collected.</summary>
    private sealed class Replica : IDisposable
    {
        private readonly Process _process;
        private readonly List<string> _lines = [];

        private Replica(Process process) => _process = process;

        public static Replica Start(string[] args, Dictionary<string, string> environment)
        {
            var start = CliProcess.StartInfo(args);
            start.Environment.Remove("VISAGE_STORE");
            foreach (var (name, value) in environment) start.Environment[name] = value;
            var replica = new Replica(Process.Start(start)!);
            replica._process.OutputDataReceived += (_, e) => replica.Add(e.Data);
            replica._process.ErrorDataReceived += (_, e) => replica.Add(e.Data);
            replica._process.BeginOutputReadLine();
            replica._process.BeginErrorReadLine();
            return replica;
        }

        public string Output
        {
            get { lock (_lines) return string.Join('\n', _lines); }
        }

        private void Add(string? line)
        {
            if (line is null) return;
            lock (_lines) _lines.Add(line);
        }

        /// <summary>A client of the replica with its admin key (made on its first start, or the one it made before).</summary>
        public async Task<HttpClient> ClientAsync()
        {
            var url = await LineAsync(@"serving on (http://127\.0\.0\.1:\d+)");
            var client = new HttpClient { BaseAddress = new Uri(url), Timeout = TimeSpan.FromMinutes(2) };
            client.DefaultRequestHeaders.Add("X-Api-Key", Keys.GetValueOrDefault(Folder) ?? await LineAsync(@"keep it: (visage_\S+)"));
            Keys[Folder] = client.DefaultRequestHeaders.GetValues("X-Api-Key").Single();
            return client;
        }

        private static readonly Dictionary<string, string> Keys = new();

        private string Folder => _process.StartInfo.ArgumentList[_process.StartInfo.ArgumentList.IndexOf("--data") + 1];

        private async Task<string> LineAsync(string pattern)
        {
            var regex = new System.Text.RegularExpressions.Regex(pattern);
            var limit = Stopwatch.StartNew();
            while (true)
            {
                lock (_lines)
                    foreach (var line in _lines)
                        if (regex.Match(line) is { Success: true } match) return match.Groups[1].Value;
                if (_process.HasExited) throw new InvalidOperationException($"visage serve ended (exit {_process.ExitCode}):\n{Output}");
                if (limit.Elapsed > TimeSpan.FromMinutes(4)) throw new TimeoutException($"no line like '{pattern}':\n{Output}");
                await Task.Delay(100);
            }
        }

        /// <summary>kill -9: no chance to finish anything.</summary>
        public void Kill()
        {
            using (var kill = Process.Start("kill", ["-9", _process.Id.ToString()])) kill.WaitForExit();
            _process.WaitForExit();
        }

        public void Dispose()
        {
            if (!_process.HasExited) _process.Kill(entireProcessTree: true);
            _process.Dispose();
        }
    }
}
