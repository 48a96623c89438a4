namespace Visage.Video;

/// <summary>How an RTSP stream's pictures travel: interleaved on the RTSP connection, or as UDP datagrams.</summary>
public enum RtspTransport
{
    /// <summary>On the RTSP connection itself: no loss, passes firewalls and NAT (what most cameras support).</summary>
    Tcp,

    /// <summary>RTP over UDP: lower latency, but packets lost on a busy network smear pictures.</summary>
    Udp,
}
