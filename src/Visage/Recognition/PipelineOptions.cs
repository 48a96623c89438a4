using Visage.Detection;

namespace Visage.Recognition;

/// <summary>Knobs of the pipeline; the defaults suit photos and LFW.</summary>
internal sealed record PipelineOptions(
    float DetectionThreshold = 0.7f,
    float NmsIouThreshold = 0.3f,
    int? IntraOpThreads = null,
    DetectorKind Detector = DetectorKind.Pack);
