using Visage.Models;

namespace Visage.Tests.FaceApi;

/// <summary>
/// face-api's face recognition weights for the tests, installed the way the product installs them: the
/// catalogue's face-api pack through <see cref="ModelStore"/> (npm pack, pinned SHA-512, unpacked flat).
/// </summary>
public sealed class FaceApiModel : IAsyncLifetime
{
    private readonly ModelStore _store = new(VisageHome.FromEnvironment());
    private static readonly ModelPack Pack = ModelCatalog.FaceApiResNet34;

    /// <summary>The folder holding the manifest and the bin file.</summary>
    public string Folder => Path.GetDirectoryName(_store.FilePath(Pack.Embedders[0].Files[0]))!;

    public Task InitializeAsync() => _store.EnsureAsync(Pack);

    public Task DisposeAsync() => Task.CompletedTask;
}

[CollectionDefinition(Name)]
public sealed class FaceApiModelCollection : ICollectionFixture<FaceApiModel>
{
    public const string Name = "face-api model";
}
