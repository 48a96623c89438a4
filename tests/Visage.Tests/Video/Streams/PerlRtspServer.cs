namespace Visage.Tests.Video.Streams;

/// <summary>
/// Debian's rtsp-server-perl, started by the test on loopback: a publisher (ffmpeg) pushes a stream to its source
/// port (RTSP ANNOUNCE/RECORD) and clients play it from its client port, RTP over UDP. Killing it is a camera
/// server going away; starting another on the same ports is it coming back.
/// </summary>
internal sealed class PerlRtspServer : IDisposable
{
    private readonly BackgroundProcess _process;

    private PerlRtspServer(BackgroundProcess process, int clientPort, int sourcePort)
    {
        _process = process;
        ClientPort = clientPort;
        SourcePort = sourcePort;
    }

    public int ClientPort { get; }
    public int SourcePort { get; }

    public string Output => _process.Output;

    public string PlayUrl(string path, string? userInfo = null) =>
        $"rtsp://{(userInfo is null ? "" : userInfo + "@")}127.0.0.1:{ClientPort}/{path}";

    public string PublishUrl(string path) => $"rtsp://127.0.0.1:{SourcePort}/{path}";

    /// <summary>Starts it (on the given ports, or free ones) and waits until both ports listen.</summary>
    public static async Task<PerlRtspServer> StartAsync(int? clientPort = null, int? sourcePort = null)
    {
        var client = clientPort ?? LocalPorts.Free();
        var source = sourcePort ?? LocalPorts.Free();
        // Its RTP ports count up from here; a pick per run keeps parallel test runs apart.
        var rtp = 30_000 + 2 * Random.Shared.Next(10_000);
        var process = BackgroundProcess.Start("rtsp-server-perl",
            "--clientport", client.ToString(), "--serverport", source.ToString(),
            "--client_listen_address", "127.0.0.1", "--source_listen_address", "127.0.0.1",
            "--rtp_start_port", rtp.ToString(), "--loglevel", "2");
        try
        {
            await LocalPorts.WaitUntilListeningAsync(client, process);
            await LocalPorts.WaitUntilListeningAsync(source, process);
        }
        catch
        {
            process.Dispose();
            throw;
        }
        return new PerlRtspServer(process, client, source);
    }

    /// <summary>The same server again, on the same ports.</summary>
    public Task<PerlRtspServer> RestartAsync()
    {
        _process.Kill();
        return StartAsync(ClientPort, SourcePort);
    }

    public void Kill() => _process.Kill();

    public void Dispose() => _process.Dispose();
}
