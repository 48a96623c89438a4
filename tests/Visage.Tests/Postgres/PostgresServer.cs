using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using Npgsql;

namespace Visage.Tests.Postgres;

/// <summary>
/// A real PostgreSQL server for the tests, from Debian's <c>postgresql</c> package: a new cluster initialised in
/// a temporary folder, listening on a free port of 127.0.0.1 (and a socket in that folder), trusting local
/// connections, stopped and deleted on dispose. When the tests run as root (as CI does) the cluster belongs to
/// and runs as the <c>postgres</c> user, since the server refuses to run as root. Durability is switched off:
/// the data is thrown away anyway.
/// </summary>
internal sealed class PostgresServer : IAsyncDisposable
{
    public const string User = "visage";
    private const string ServiceAccount = "postgres";
    private readonly string _bin;
    private readonly bool _asServiceAccount;
    private int _databases;

    private PostgresServer(string bin, string folder, bool asServiceAccount, int port)
    {
        _bin = bin;
        Folder = folder;
        _asServiceAccount = asServiceAccount;
        Port = port;
    }

    public string Folder { get; }
    public string DataFolder => Path.Combine(Folder, "data");
    public int Port { get; }
    public string Version { get; private set; } = "";

    /// <summary>Connection string of the cluster's own <c>postgres</c> database.</summary>
    public string AdminConnectionString => ConnectionString("postgres");

    public string ConnectionString(string database) => new NpgsqlConnectionStringBuilder
    {
        Host = "127.0.0.1",
        Port = Port,
        Username = User,
        Database = database,
        Pooling = false,
        Timeout = 15,
    }.ConnectionString;

    public static async Task<PostgresServer> StartAsync(CancellationToken ct = default)
    {
        var bin = FindBinaries();
        var asServiceAccount = Environment.UserName == "root" || Environment.GetEnvironmentVariable("USER") == "root"
                               || GetEuid() == 0;
        var folder = asServiceAccount
            ? (await RunAsync("runuser", ["-u", ServiceAccount, "--", "mktemp", "-d", "/tmp/visage-pg-XXXXXXXX"], ct)).Trim()
            : Directory.CreateTempSubdirectory("visage-pg-").FullName;
        // A port taken by someone else between choosing and binding makes the start fail: choose again.
        for (var attempt = 1; ; attempt++)
        {
            var server = new PostgresServer(bin, folder, asServiceAccount, FreePort());
            try
            {
                await server.InitialiseAsync(ct);
                await server.StartServerAsync(ct);
                return server;
            }
            catch (InvalidOperationException) when (attempt < 3)
            {
                await server.StopServerAsync();
                if (Directory.Exists(server.DataFolder)) await server.RunAsServerUserAsync("rm", ["-rf", server.DataFolder], ct);
            }
            catch
            {
                await server.DisposeAsync();
                throw;
            }
        }
    }

    /// <summary>A new, empty database on this server; its connection string.</summary>
    public async Task<string> CreateDatabaseAsync(CancellationToken ct = default) =>
        ConnectionString(await CreateDatabaseNameAsync(ct));

    /// <summary>A new, empty database on this server; its name.</summary>
    public async Task<string> CreateDatabaseNameAsync(CancellationToken ct = default)
    {
        var name = $"test_{Interlocked.Increment(ref _databases)}_{Guid.NewGuid():N}";
        await using var connection = new NpgsqlConnection(AdminConnectionString);
        await connection.OpenAsync(ct);
        await using var command = new NpgsqlCommand($"CREATE DATABASE \"{name}\"", connection);
        await command.ExecuteNonQueryAsync(ct);
        return name;
    }

    /// <summary>The store URL a user would give for a database of this server: postgres://visage@127.0.0.1:PORT/NAME.</summary>
    public string UrlOf(string database) => $"postgres://{User}@127.0.0.1:{Port}/{database}";

    /// <summary>The operating-system user the server process runs as (from its pid file and /proc).</summary>
    public int ServerProcessUid()
    {
        var pid = File.ReadLines(Path.Combine(DataFolder, "postmaster.pid")).First().Trim();
        var uidLine = File.ReadLines($"/proc/{pid}/status").First(l => l.StartsWith("Uid:", StringComparison.Ordinal));
        return int.Parse(uidLine.Split('\t', StringSplitOptions.RemoveEmptyEntries)[1]);
    }

    private async Task InitialiseAsync(CancellationToken ct)
    {
        if (File.Exists(Path.Combine(DataFolder, "PG_VERSION"))) return;
        await RunAsServerUserAsync(Path.Combine(_bin, "initdb"),
            ["-D", DataFolder, "-U", User, "--auth=trust", "--encoding=UTF8", "--locale=C", "--no-sync"], ct);
        Version = File.ReadAllText(Path.Combine(DataFolder, "PG_VERSION")).Trim();
    }

    private async Task StartServerAsync(CancellationToken ct)
    {
        var options = string.Join(' ',
            $"-p {Port}", "-c listen_addresses=127.0.0.1", $"-c unix_socket_directories={Folder}",
            "-c fsync=off", "-c synchronous_commit=off", "-c full_page_writes=off", "-c max_connections=50");
        try
        {
            await RunAsServerUserAsync(Path.Combine(_bin, "pg_ctl"),
                ["-D", DataFolder, "-l", Path.Combine(Folder, "server.log"), "-o", options, "-w", "-t", "60", "start"], ct);
        }
        catch (InvalidOperationException e)
        {
            var log = Path.Combine(Folder, "server.log");
            throw new InvalidOperationException(
                $"{e.Message}\n{(File.Exists(log) ? string.Join('\n', File.ReadLines(log).TakeLast(10)) : "")}", e);
        }
        if (Version == "") Version = File.ReadAllText(Path.Combine(DataFolder, "PG_VERSION")).Trim();
    }

    private async Task StopServerAsync()
    {
        if (!File.Exists(Path.Combine(DataFolder, "postmaster.pid"))) return;
        try
        {
            await RunAsServerUserAsync(Path.Combine(_bin, "pg_ctl"), ["-D", DataFolder, "-m", "immediate", "-w", "-t", "30", "stop"],
                CancellationToken.None);
        }
        catch (InvalidOperationException)
        {
            // Already stopped, or it never started: nothing to stop.
        }
    }

    public async ValueTask DisposeAsync()
    {
        await StopServerAsync();
        if (Directory.Exists(Folder)) Directory.Delete(Folder, recursive: true);
    }

    /// <summary>The newest PostgreSQL server binaries Debian installed (15 on Debian 12).</summary>
    private static string FindBinaries()
    {
        const string root = "/usr/lib/postgresql";
        var bin = Directory.Exists(root)
            ? Directory.EnumerateDirectories(root)
                .Select(d => (Folder: Path.Combine(d, "bin"), Version: int.TryParse(Path.GetFileName(d), out var v) ? v : 0))
                .Where(x => File.Exists(Path.Combine(x.Folder, "initdb")) && File.Exists(Path.Combine(x.Folder, "pg_ctl")))
                .OrderByDescending(x => x.Version).Select(x => x.Folder).FirstOrDefault()
            : null;
        return bin ?? throw new InvalidOperationException(
            "PostgreSQL server not found (no /usr/lib/postgresql/*/bin/initdb): install Debian's 'postgresql' " +
            "package ('apt-get install postgresql'; ./test does it when run as root)");
    }

    private Task<string> RunAsServerUserAsync(string program, IReadOnlyList<string> arguments, CancellationToken ct) =>
        _asServiceAccount
            ? RunAsync("runuser", ["-u", ServiceAccount, "--", program, .. arguments], ct)
            : RunAsync(program, arguments, ct);

    private static async Task<string> RunAsync(string program, IReadOnlyList<string> arguments, CancellationToken ct)
    {
        var start = new ProcessStartInfo(program)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = "/",
        };
        foreach (var argument in arguments) start.ArgumentList.Add(argument);
        using var process = Process.Start(start) ?? throw new InvalidOperationException($"{program} did not start");
        var output = process.StandardOutput.ReadToEndAsync(ct);
        var error = process.StandardError.ReadToEndAsync(ct);
        await process.WaitForExitAsync(ct);
        if (process.ExitCode != 0)
            throw new InvalidOperationException(
                $"{program} {string.Join(' ', arguments)} failed ({process.ExitCode}): {(await error).Trim()} {(await output).Trim()}");
        return await output;
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    [System.Runtime.InteropServices.DllImport("libc", EntryPoint = "geteuid")]
    private static extern uint geteuid();

    private static uint GetEuid() => OperatingSystem.IsWindows() ? 1u : geteuid();
}
