namespace Visage.Tests.Video.Streams;

/// <summary>
/// GStreamer's RTSP server (Debian's gir1.2-gst-rtsp-server-1.0 through python3-gi), started by the test on
/// loopback: it plays an H.264 clip to each client from its start, over TCP or UDP, optionally only to one account,
/// optionally over TLS (rtsps://) with a self-signed certificate made for the run.
/// </summary>
internal sealed class GstRtspServer : IDisposable
{
    private readonly BackgroundProcess _process;

    private readonly string? _certificate;

    private GstRtspServer(BackgroundProcess process, int port, string? certificate)
    {
        _process = process;
        Port = port;
        _certificate = certificate;
    }

    public int Port { get; }

    public string Output => _process.Output;

    public string Url(string? user = null, string? password = null) =>
        $"{(_certificate is null ? "rtsp" : "rtsps")}://{(user is null ? "" : $"{user}:{password}@")}127.0.0.1:{Port}/door";

    /// <summary>Starts it on <paramref name="port"/> (a free one when not given) and waits until it listens.</summary>
    public static async Task<GstRtspServer> StartAsync(string h264Clip, string? user = null, string? password = null,
        int? port = null, bool tls = false)
    {
        var chosen = port ?? LocalPorts.Free();
        var script = Path.Combine(AppContext.BaseDirectory, "Video", "Streams", "gst-rtsp-server.py");
        // Debian's own Python, which has python3-gi; another python3 first on PATH may not.
        var python = File.Exists("/usr/bin/python3") ? "/usr/bin/python3" : "python3";
        List<string> arguments = [script, "--port", chosen.ToString(), "--file", h264Clip];
        if (user is not null) arguments.AddRange(["--user", user, "--password", password ?? ""]);
        var certificate = tls ? SelfSignedCertificate() : null;
        if (certificate is not null) arguments.AddRange(["--tls", certificate]);
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
        return new GstRtspServer(process, chosen, certificate);
    }

    /// <summary>A certificate for 127.0.0.1 and its key, in one PEM file as GLib reads it.</summary>
    private static string SelfSignedCertificate()
    {
        using var key = System.Security.Cryptography.RSA.Create(2048);
        var request = new System.Security.Cryptography.X509Certificates.CertificateRequest("CN=127.0.0.1", key,
            System.Security.Cryptography.HashAlgorithmName.SHA256, System.Security.Cryptography.RSASignaturePadding.Pkcs1);
        using var certificate = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddMinutes(-5), DateTimeOffset.UtcNow.AddDays(1));
        var path = Path.Combine(Path.GetTempPath(), $"visage-rtsps-{Guid.NewGuid():N}.pem");
        File.WriteAllText(path, certificate.ExportCertificatePem() + "\n" + key.ExportPkcs8PrivateKeyPem() + "\n");
        return path;
    }

    public void Dispose()
    {
        _process.Dispose();
        if (_certificate is not null) File.Delete(_certificate);
    }
}
