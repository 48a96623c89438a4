namespace Visage.Tests.Video.Streams;

/// <summary>
/// GStreamer's RTSP server (Debian's gir1.2-gst-rtsp-server-1.0 through python3-gi), started by the test on
/// loopback: it plays an H.264 clip to each client from its start, over TCP or UDP, optionally only to one account.
/// </summary>
internal sealed class GstRtspServer : IDisposable
{
    private readonly BackgroundProcess _process;

    private GstRtspServer(BackgroundProcess process, int port)
    {
        _process = process;
        Port = port;
    }

    public int Port { get; }

    public string Output => _process.Output;

    public string Url(string? user = null, string? password = null) =>
        $"rtsp://{(user is null ? "" : $"{user}:{password}@")}127.0.0.1:{Port}/door";

    /// <summary>Starts it on <paramref name="port"/> (a free one when not given) and waits until it listens.</summary>
    public static async Task<GstRtspServer> StartAsync(string h264Clip, string? user = null, string? password = null,
        int? port = null)
    {
        var chosen = port ?? LocalPorts.Free();
        var script = Path.Combine(AppContext.BaseDirectory, "Video", "Streams", "gst-rtsp-server.py");
        // Debian's own Python, which has python3-gi; another python3 first on PATH may not.
        var python = File.Exists("/usr/bin/python3") ? "/usr/bin/python3" : "python3";
        List<string> arguments = [script, "--port", chosen.ToString(), "--file", h264Clip];
        if (user is not null) arguments.AddRange(["--user", user, "--password", password ?? ""]);
        var process = BackgroundProcess.Start(python, arguments);
        try
        {
            await LocalPorts.WaitUntilListeningAsync(chosen, process);
        }
        catch
        {
            process.Dispose();
            throw;
        }
        return new GstRtspServer(process, chosen);
    }

    public void Dispose() => _process.Dispose();
}
