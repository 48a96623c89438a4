namespace Visage.Video;

/// <summary>
/// How a source is opened and kept open. Network streams are read through ffmpeg and reopened when they end,
/// stall or fail; cameras and files are read by OpenCV.
/// </summary>
internal sealed record VideoInputOptions
{
    /// <summary>Give up on a source that shows no picture within this long (each reconnection attempt too).</summary>
    public TimeSpan OpenTimeout { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>A network stream that gives no picture for this long is dropped and reopened.</summary>
    public TimeSpan StallTimeout { get; init; } = TimeSpan.FromSeconds(10);

    public RtspTransport RtspTransport { get; init; } = RtspTransport.Tcp;

    /// <summary>The wait before the first reconnection attempt; each failed attempt doubles it, up to <see cref="MaxRetryDelay"/>.</summary>
    public TimeSpan FirstRetryDelay { get; init; } = TimeSpan.FromSeconds(1);

    public TimeSpan MaxRetryDelay { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>The ffmpeg program that reads network streams: a name looked up on PATH, or a path.</summary>
    public string Ffmpeg { get; init; } = "ffmpeg";

    /// <summary>Refuses settings that cannot work, naming the setting.</summary>
    public void Validate()
    {
        if (OpenTimeout <= TimeSpan.Zero)
            throw new InvalidSettingException(VisageSetting.OpenTimeout, $"must be longer than zero, not {OpenTimeout}");
        if (StallTimeout <= TimeSpan.Zero)
            throw new InvalidSettingException(VisageSetting.StallTimeout, $"must be longer than zero, not {StallTimeout}");
        if (FirstRetryDelay < TimeSpan.Zero || MaxRetryDelay < FirstRetryDelay)
            throw new InvalidSettingException(VisageSetting.RetryDelay,
                $"reconnection delays must run from zero or more upwards, not {FirstRetryDelay} to {MaxRetryDelay}");
    }
}
