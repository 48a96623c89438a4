using Visage.Video;

namespace Visage.Tests.Video.Streams;

/// <summary>Passwords and tokens in stream addresses never reach a message: the masked form is the only one shown.</summary>
public sealed class StreamAddressTests
{
    [Theory]
    [InlineData("rtsp://admin:hunter22@10.0.0.5:554/Streaming/Channels/101", "rtsp://admin:***@10.0.0.5:554/Streaming/Channels/101")]
    [InlineData("rtsps://admin:p%40ss@cam.local/live", "rtsps://admin:***@cam.local/live")]
    [InlineData("rtsp://admin:p@ss@cam.local/live", "rtsp://admin:***@cam.local/live")]
    [InlineData("http://cam.local/video.cgi?user=admin&pwd=1234&res=hd", "http://cam.local/video.cgi?user=admin&pwd=***&res=hd")]
    [InlineData("https://nvr/hls/door.m3u8?token=abc.def", "https://nvr/hls/door.m3u8?token=***")]
    [InlineData("rtsp://cam.local:8554/door", "rtsp://cam.local:8554/door")]
    [InlineData("rtsp://admin@cam.local/door", "rtsp://admin@cam.local/door")]
    [InlineData("http://cam.local/bypass=1", "http://cam.local/bypass=1")]
    public void Secrets_are_masked_and_everything_else_kept(string address, string masked)
    {
        Assert.Equal(masked, StreamAddress.Masked(address));
        Assert.Equal(masked, new VideoSource.Url(address).ToString());
    }

    [Fact]
    public void A_programs_line_that_quotes_the_address_or_the_password_is_masked()
    {
        const string address = "rtsp://admin:p%40ssword@cam.local/door";

        Assert.Equal("[info] Input #0, rtsp, from 'rtsp://admin:***@cam.local/door':",
            StreamAddress.Masked("[info] Input #0, rtsp, from 'rtsp://admin:p%40ssword@cam.local/door':", address));
        Assert.Equal("auth as admin with *** failed", StreamAddress.Masked("auth as admin with p@ssword failed", address));
        Assert.Equal("auth with *** failed", StreamAddress.Masked("auth with p%40ssword failed", address));
    }
}
