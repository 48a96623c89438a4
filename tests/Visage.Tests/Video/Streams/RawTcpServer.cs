using System.Net;
using System.Net.Sockets;

namespace Visage.Tests.Video.Streams;

/// <summary>
/// A TCP server on loopback that is not a camera: one that answers every connection with random bytes, or one that
/// accepts connections and never says anything (a host that swallows requests).
/// </summary>
internal sealed class RawTcpServer : IDisposable
{
    private readonly TcpListener _listener;
    private readonly CancellationTokenSource _stop = new();
    private readonly List<TcpClient> _clients = [];
    private readonly bool _garbage;

    private RawTcpServer(int port, bool garbage)
    {
        _garbage = garbage;
        _listener = new TcpListener(IPAddress.Loopback, port);
        _listener.Server.SetSocketOption(SocketOptionLevel.Socket, SocketOptionName.ReuseAddress, true);
        _listener.Start();
        Port = ((IPEndPoint)_listener.LocalEndpoint).Port;
        _ = AcceptAsync();
    }

    public int Port { get; }

    public static RawTcpServer Garbage(int port = 0) => new(port, garbage: true);

    public static RawTcpServer Silent(int port = 0) => new(port, garbage: false);

    private async Task AcceptAsync()
    {
        try
        {
            while (!_stop.IsCancellationRequested)
            {
                var client = await _listener.AcceptTcpClientAsync(_stop.Token);
                lock (_clients) _clients.Add(client);
                if (_garbage) _ = SendGarbageAsync(client);
            }
        }
        catch (Exception e) when (e is OperationCanceledException or SocketException or ObjectDisposedException)
        {
        }
    }

    private async Task SendGarbageAsync(TcpClient client)
    {
        var bytes = new byte[4096];
        var random = new Random(client.GetHashCode());
        try
        {
            var stream = client.GetStream();
            if (await stream.ReadAsync(new byte[4096], _stop.Token) == 0) return; // the client left before asking
            for (var i = 0; i < 500 && !_stop.IsCancellationRequested; i++)
            {
                random.NextBytes(bytes);
                await stream.WriteAsync(bytes, _stop.Token);
            }
        }
        catch (Exception e) when (e is OperationCanceledException or IOException or SocketException or ObjectDisposedException)
        {
        }
        finally
        {
            client.Dispose();
        }
    }

    public void Dispose()
    {
        _stop.Cancel();
        _listener.Stop();
        lock (_clients)
            foreach (var client in _clients) client.Dispose();
    }
}
