namespace Visage;

/// <summary>The settings of the library whose values can be refused (see <see cref="InvalidSettingException"/>).</summary>
public enum VisageSetting
{
    Model,
    Detector,
    Threshold,
    MaxMegapixels,
    FalseAcceptRate,
    PersonName,
    BatchSize,
    Camera,
    StreamUrl,
    VideoFile,
    OutputVideo,
    SnapshotFolder,
    EventLog,
    GreetCommand,
    Voice,
    SpeechFile,
    ConfirmFrames,
    WindowFrames,
    Cooldown,
    OpenTimeout,
    Pacing,
    StallTimeout,
    RetryDelay,
    MinClusterSize,
    ClusterDistance,
    Liveness,
    LivenessThreshold,
    MinFaceSize,
}
