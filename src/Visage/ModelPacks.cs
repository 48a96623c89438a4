using Visage.Models;

namespace Visage;

/// <summary>The model packs Visage can fetch and run, their licences, and fetching them ahead of use.</summary>
public static class ModelPacks
{
    public static string DefaultId => ModelCatalog.Default.Id;

    /// <summary>The liveness networks <see cref="RecognizerOptions.Liveness"/> may name, with their licences.</summary>
    public static IReadOnlyList<(string Id, string Description, string Licence)> LivenessModels =>
        ModelCatalog.LivenessModels.Select(m => (m.Id, m.Description, m.Licence)).ToList();

    /// <summary>Every pack, the default first, with whether it is installed in <paramref name="home"/>.</summary>
    public static IReadOnlyList<ModelInfo> List(VisageHome home)
    {
        var store = new ModelStore(home);
        return ModelCatalog.All.Select(p => Describe(p, store)).ToList();
    }

    /// <summary>Every liveness network, the default first, with whether it is installed in <paramref name="home"/>.</summary>
    public static IReadOnlyList<LivenessModelInfo> ListLiveness(VisageHome home)
    {
        var store = new ModelStore(home);
        return ModelCatalog.LivenessModels.Select(m => new LivenessModelInfo(
                m.Id, m.Description, m.Licence,
                string.Equals(m.Id, RecognizerOptions.DefaultLivenessModel, StringComparison.OrdinalIgnoreCase),
                m.Files.Select(f => f.Package).Distinct().Select(p => new ModelPackage(p.Name, p.Version, p.Sha512Base64)).ToList(),
                m.Files.Select(f => new ModelPackFile(f.Package.Spec, f.PathInPackage, store.FilePath(f))).ToList(),
                m.Threshold, m.InputSize, store.IsInstalled(m), store.Home.ModelsFolder))
            .OrderByDescending(m => m.IsDefault).ToList();
    }

    /// <summary>Installs a liveness network's package unless its files are there; true when it fetched anything.</summary>
    public static async Task<bool> FetchLivenessAsync(string id, VisageHome home, IProgress<FetchProgress>? progress = null,
        CancellationToken ct = default)
    {
        var model = ModelCatalog.GetLiveness(id);
        var store = new ModelStore(home);
        if (store.IsInstalled(model)) return false;
        await store.EnsureAsync(model, progress, ct);
        return true;
    }

    /// <summary>Whether <paramref name="id"/> names a liveness network rather than a pack.</summary>
    public static bool IsLivenessModel(string id) =>
        ModelCatalog.LivenessModels.Any(m => string.Equals(m.Id, id, StringComparison.OrdinalIgnoreCase));

    /// <summary>Installs the pack (npm pack, pinned SHA-512, unpack) unless it is there; true when it fetched anything.</summary>
    public static async Task<bool> FetchAsync(string id, VisageHome home, IProgress<FetchProgress>? progress = null,
        CancellationToken ct = default)
    {
        var pack = ModelCatalog.Get(id);
        var store = new ModelStore(home);
        if (store.IsInstalled(pack)) return false;
        await store.EnsureAsync(pack, progress, ct);
        return true;
    }

    /// <summary>The pack by id (unknown ids are a <see cref="ModelException"/>).</summary>
    public static ModelInfo Get(string id, VisageHome home) => Describe(ModelCatalog.Get(id), new ModelStore(home));

    private static ModelInfo Describe(ModelPack pack, ModelStore store) => new(
        pack.Id, pack.Description, pack.Licence, pack == ModelCatalog.Default,
        pack.Packages.Select(p => new ModelPackage(p.Name, p.Version, p.Sha512Base64)).ToList(),
        pack.Files.Select(f => new ModelPackFile(f.Package.Spec, f.PathInPackage, store.FilePath(f))).ToList(),
        pack.Dimensions, pack.DefaultThreshold, pack.ThresholdProvenance, store.IsInstalled(pack),
        store.Home.ModelsFolder, pack.Embedders.Count > 1, pack.QuantisedFrom);
}
