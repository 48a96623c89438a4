using Visage.Detection;
using Visage.Execution;

namespace Visage.Recognition;

/// <summary>
/// Knobs of the pipeline; the defaults suit photos and LFW. <see cref="IntraOpThreads"/> is the threads one
/// network run may use (null: all cores; 1 for pipelines that work side by side, one per core);
/// <see cref="Tuning"/> says how the way each network runs is chosen (see <see cref="ExecutionTuning"/>).
/// <see cref="Liveness"/>, when given, is loaded too and scores faces on request (see
/// <see cref="FacePipeline.CheckLiveness"/>), judged at <see cref="LivenessThreshold"/> or the model's own.
/// </summary>
internal sealed record PipelineOptions(
    float DetectionThreshold = 0.7f,
    float NmsIouThreshold = 0.3f,
    int? IntraOpThreads = null,
    DetectorKind Detector = DetectorKind.Pack,
    ExecutionTuning Tuning = ExecutionTuning.Auto,
    Models.LivenessModel? Liveness = null,
    float? LivenessThreshold = null)
{
    /// <summary>How UltraFace sees a photo: squeezed to its 320x240 or fitted to the photo's aspect.</summary>
    public DetectorInput DetectorInput { get; init; }

    /// <summary>The back ends networks run on (the calibration of int8 networks records their inputs through its own).</summary>
    internal INetworkRunnerFactory? Runners { get; init; }
}
