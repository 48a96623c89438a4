using System.Text.Json;
using Visage.Video;

namespace Visage.Tests.Video.Streams;

/// <summary>A stream going down or coming back is an event line of the same shape as a greeting, saying why.</summary>
public sealed class ConnectionEventJsonTests
{
    private static readonly DateTimeOffset Time = new(2025, 5, 1, 8, 30, 0, TimeSpan.Zero);
    private const string Source = "rtsp://door:***@10.0.0.5/stream1";

    private static JsonElement Json(WatchEvent e) => JsonDocument.Parse(WatchEventJson.Serialize(e)).RootElement;

    [Fact]
    public void A_disconnection_says_the_reason_and_the_error_with_no_people_or_faces()
    {
        var down = new ConnectionEvent(ConnectionEventKind.Disconnected, Time, Source, "no picture for 10 s",
            DisconnectReason.Stalled);

        var json = Json(new WatchEvent(WatchEventKind.Disconnected, Time, 41, TimeSpan.FromSeconds(4.1), [], [])
            { Source = Source, Connection = down });

        Assert.Equal("disconnected", json.GetProperty("event").GetString());
        Assert.Equal(41, json.GetProperty("frame").GetInt64());
        Assert.Equal(Source, json.GetProperty("source").GetString());
        Assert.Empty(json.GetProperty("people").EnumerateArray());
        Assert.Empty(json.GetProperty("faces").EnumerateArray());
        var connection = json.GetProperty("connection");
        Assert.Equal("stalled", connection.GetProperty("reason").GetString());
        Assert.Equal("no picture for 10 s", connection.GetProperty("error").GetString());
        Assert.Equal(JsonValueKind.Null, connection.GetProperty("attempt").ValueKind);
    }

    [Fact]
    public void A_failed_attempt_and_a_reconnection_say_how_many_attempts_and_how_long()
    {
        var retry = new ConnectionEvent(ConnectionEventKind.Retrying, Time, Source, "connection refused", Attempt: 2,
            RetryIn: TimeSpan.FromSeconds(2));
        var back = new ConnectionEvent(ConnectionEventKind.Reconnected, Time, Source, "back after 3 attempts", Attempt: 3,
            Downtime: TimeSpan.FromSeconds(12.5));

        var retrying = Json(new WatchEvent(WatchEventKind.Retrying, Time, 41, TimeSpan.Zero, [], []) { Connection = retry });
        var reconnected = Json(new WatchEvent(WatchEventKind.Reconnected, Time, 41, TimeSpan.Zero, [], []) { Connection = back });

        Assert.Equal("retrying", retrying.GetProperty("event").GetString());
        Assert.Equal(2, retrying.GetProperty("connection").GetProperty("attempt").GetInt32());
        Assert.Equal(2, retrying.GetProperty("connection").GetProperty("retryInSeconds").GetDouble());
        Assert.Equal("connection refused", retrying.GetProperty("connection").GetProperty("error").GetString());
        Assert.Equal("reconnected", reconnected.GetProperty("event").GetString());
        Assert.Equal(3, reconnected.GetProperty("connection").GetProperty("attempt").GetInt32());
        Assert.Equal(12.5, reconnected.GetProperty("connection").GetProperty("downSeconds").GetDouble());
        Assert.Equal(JsonValueKind.Null, reconnected.GetProperty("connection").GetProperty("error").ValueKind);
    }

    [Fact]
    public void A_greeting_names_its_source_and_has_no_connection()
    {
        var json = Json(new WatchEvent(WatchEventKind.Greeting, Time, 3, TimeSpan.FromSeconds(0.3), ["Ada"], [],
            "Welcome Ada, have a nice day.") { Source = Source });

        Assert.Equal(Source, json.GetProperty("source").GetString());
        Assert.Equal(JsonValueKind.Null, json.GetProperty("connection").ValueKind);
    }
}
