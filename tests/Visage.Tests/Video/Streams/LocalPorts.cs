using System.Globalization;
using System.Net;
using System.Net.Sockets;

namespace Visage.Tests.Video.Streams;

/// <summary>Loopback ports for the servers the tests start.</summary>
internal static class LocalPorts
{
    /// <summary>A port nothing listens on now (the system's choice, so parallel runs do not collide).</summary>
    public static int Free()
    {
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        return port;
    }

    /// <summary>
    /// Whether a server is up on the port: a socket listens there, or has already taken its one client
    /// (<c>ffmpeg -listen 1</c> stops listening once a client connects, which a client retrying hard does at once).
    /// Read from the kernel's table: connecting to find out would use up such a server.
    /// </summary>
    public static bool IsListening(int port)
    {
        foreach (var table in new[] { "/proc/net/tcp", "/proc/net/tcp6" })
        {
            if (!File.Exists(table)) continue;
            foreach (var line in File.ReadLines(table).Skip(1))
            {
                var fields = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
                if (fields.Length < 4 || fields[3] is not ("0A" or "01")) continue; // LISTEN, ESTABLISHED
                var local = fields[1];
                var portHex = local[(local.LastIndexOf(':') + 1)..];
                if (int.Parse(portHex, NumberStyles.HexNumber, CultureInfo.InvariantCulture) == port) return true;
            }
        }
        return false;
    }

    /// <summary>Waits until the port listens; fails if <paramref name="server"/> exits first or it takes too long.</summary>
    public static async Task WaitUntilListeningAsync(int port, BackgroundProcess? server = null)
    {
        using var limit = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        while (!IsListening(port))
        {
            if (server is { HasExited: true })
                throw new InvalidOperationException($"{server.Name} exited before listening on {port}:\n{server.Output}");
            if (limit.IsCancellationRequested)
                throw new TimeoutException($"nothing listens on port {port} after 60 s\n{server?.Output}");
            await Task.Delay(50);
        }
    }
}
