namespace Visage.Video;

/// <summary>How a video file is read (live sources always come at their own pace).</summary>
public enum FilePacing
{
    /// <summary>At the file's frame rate, as a camera would deliver it; frames the recogniser cannot keep up with are dropped.</summary>
    RealTime,

    /// <summary>Every frame is recognised: reading waits for the recogniser.</summary>
    EveryFrame,

    /// <summary>As fast as frames decode, dropping what the recogniser cannot keep up with.</summary>
    Unpaced,
}
