using Visage.Execution;
using Visage.Models;

namespace Visage.Liveness;

/// <summary>Loads the liveness networks of the catalogue (<see cref="ModelCatalog.LivenessModels"/>).</summary>
internal static class LivenessScorers
{
    /// <summary>Fetches the model's package when needed and loads its network, with a plan of <paramref name="planner"/>.</summary>
    public static async Task<ILivenessScorer> LoadAsync(LivenessModel model, ModelStore store,
        ExecutionPlanner? planner = null, IProgress<FetchProgress>? progress = null, CancellationToken ct = default)
    {
        await store.EnsureAsync(model, progress, ct);
        var onnx = LivenessNetwork.LoadModel(model, store.FilePath(model.Files[0]));
        var network = planner is null ? PlannedNetwork.Load(onnx) : planner.Load(onnx, LivenessNetwork.Tuning(model), ct);
        return new LivenessNetwork(model, network);
    }
}
