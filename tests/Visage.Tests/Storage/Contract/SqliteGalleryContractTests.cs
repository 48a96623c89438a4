using Visage.Storage;
using Visage.Tests.TestData;

namespace Visage.Tests.Storage.Contract;

/// <summary>The gallery contract held by the embedded store: a SQLite file in a temporary folder.</summary>
public sealed class SqliteGalleryContractTests : GalleryContractTests, IDisposable
{
    private readonly TempFolder _temp = new();

    public void Dispose() => _temp.Dispose();

    private protected override async Task<IGallery> OpenAsync(string model = Model, int dims = Dims,
        GalleryOpenMode mode = GalleryOpenMode.CreateIfMissing) =>
        await SqliteGallery.OpenAsync(_temp.File("gallery.db"), new GalleryBinding(model, dims, null, null), mode);

    private protected override async Task<IGallery> OpenMissingAsync() =>
        await SqliteGallery.OpenAsync(_temp.File("missing.db"), new GalleryBinding(Model, Dims, null, null), GalleryOpenMode.MustExist);
}
