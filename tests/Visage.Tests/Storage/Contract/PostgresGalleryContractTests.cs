using Visage.Storage;
using Visage.Storage.Postgres;
using Visage.Tests.Postgres;

namespace Visage.Tests.Storage.Contract;

/// <summary>The gallery contract held by the shared store: a new database on the tests' PostgreSQL server.</summary>
[Collection(PostgresCollection.Name)]
public sealed class PostgresGalleryContractTests(PostgresFixture fixture) : GalleryContractTests
{
    private string? _url;

    private async Task<string> UrlAsync() => _url ??= fixture.Server.UrlOf(await fixture.Server.CreateDatabaseNameAsync());

    private protected override async Task<IGallery> OpenAsync(string model = Model, int dims = Dims,
        GalleryOpenMode mode = GalleryOpenMode.CreateIfMissing) =>
        await PostgresGallery.OpenAsync(await UrlAsync(), new GalleryBinding(model, dims, null, null), mode);

    private protected override async Task<IGallery> OpenMissingAsync() =>
        await PostgresGallery.OpenAsync(await UrlAsync(), new GalleryBinding(Model, Dims, null, null), GalleryOpenMode.MustExist);
}
