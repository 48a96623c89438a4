using Npgsql;
using Visage.Search;
using Visage.Storage;
using Visage.Storage.Postgres;
using Visage.Tests.Storage.Contract;
using Visage.Tests.TestData;

namespace Visage.Tests.Postgres;

/// <summary>What the shared store does beyond the gallery contract: migrations, the change log, binary COPY.</summary>
[Collection(PostgresCollection.Name)]
public sealed class PostgresGalleryTests(PostgresFixture fixture)
{
    private static NewFace Face(string identity, string image, float x = 0.5f) =>
        new(identity, [x, -0.5f, 0.5f, -0.5f], $"/photos/{image}.jpg", image.PadLeft(64, '0'));

    private async Task<string> NewStoreAsync() => fixture.Server.UrlOf(await fixture.Server.CreateDatabaseNameAsync());

    private static async Task<long> ScalarAsync(string url, string sql)
    {
        await using var connection = new NpgsqlConnection(PostgresLocation.Parse(url).ConnectionString);
        await connection.OpenAsync();
        return Convert.ToInt64(await new NpgsqlCommand(sql, connection).ExecuteScalarAsync());
    }

    [Fact]
    public async Task Migrations_run_once_on_first_open_even_when_replicas_open_together()
    {
        var url = await NewStoreAsync();

        var opened = await Task.WhenAll(Enumerable.Range(0, 4).Select(_ => PostgresGallery.OpenAsync(url, new GalleryBinding("m", 4, null, null))));
        foreach (var gallery in opened) gallery.Dispose();
        using (var again = await PostgresGallery.OpenAsync(url, new GalleryBinding("m", 4, null, null))) Assert.Equal(opened[0].StoreId, again.StoreId);

        Assert.Equal(PostgresSchema.LatestVersion, await ScalarAsync(url, "SELECT max(version) FROM visage_schema_migrations"));
        Assert.Equal(PostgresSchema.Migrations.Count, await ScalarAsync(url, "SELECT count(*) FROM visage_schema_migrations"));
        Assert.Single(opened.Select(g => g.StoreId).Distinct());
    }

    [Fact]
    public async Task A_store_migrated_by_a_newer_Visage_is_refused_and_left_alone()
    {
        var url = await NewStoreAsync();
        using (await PostgresGallery.OpenAsync(url, new GalleryBinding("m", 4, null, null))) { }
        await ScalarAsync(url, "INSERT INTO visage_schema_migrations (version) VALUES (999) RETURNING version");

        var error = await Assert.ThrowsAsync<VisageException>(() => PostgresGallery.OpenAsync(url, new GalleryBinding("m", 4, null, null)));
        Assert.Contains("999", error.Message);
        Assert.Equal(999, await ScalarAsync(url, "SELECT max(version) FROM visage_schema_migrations"));
    }

    [Fact]
    public async Task Every_add_and_removal_moves_the_stamp_and_a_duplicate_does_not()
    {
        var url = await NewStoreAsync();
        using var gallery = await PostgresGallery.OpenAsync(url, new GalleryBinding("m", 4, null, null));
        var empty = await gallery.GetStampAsync();
        Assert.Equal($"{gallery.StoreId}:0", empty);

        await gallery.AddAsync([Face("ada", "1"), Face("bob", "2")]);
        var afterAdd = await gallery.GetStampAsync();
        Assert.NotEqual(empty, afterAdd);
        await gallery.AddAsync([Face("eve", "1")]);
        Assert.Equal(afterAdd, await gallery.GetStampAsync());
        Assert.Equal(0, await ScalarAsync(url, "SELECT count(*) FROM identities WHERE name = 'eve'"));

        // Changes made behind Visage's back (by hand, in SQL) are logged as well.
        await ScalarAsync(url, "WITH d AS (DELETE FROM identities WHERE name = 'bob' RETURNING 1) SELECT count(*) FROM d");
        await ScalarAsync(url, "WITH u AS (UPDATE identities SET name = 'Ada' WHERE name = 'ada' RETURNING 1) SELECT count(*) FROM u");
        // The deletion drops the log before it (bob's name and face id with it) and logs a bare erase.
        Assert.Equal(2, await ScalarAsync(url, "SELECT count(*) FROM changes"));
        Assert.Equal(1, await ScalarAsync(url, "SELECT count(*) FROM changes WHERE kind = 'erase' AND identity = '' AND face_id IS NULL"));
        Assert.Equal(0, await ScalarAsync(url, "SELECT count(*) FROM changes WHERE 'bob' IN (identity, new_identity)"));
        Assert.Equal(1, await ScalarAsync(url, "SELECT count(*) FROM changes WHERE kind = 'rename' AND new_identity = 'Ada'"));
        Assert.NotEqual(afterAdd, await gallery.GetStampAsync());
    }

    [Fact]
    public async Task The_index_reads_every_face_in_binary_and_is_rebuilt_only_when_the_store_changed()
    {
        var url = await NewStoreAsync();
        using var gallery = await PostgresGallery.OpenAsync(url, new GalleryBinding("m", 4, null, null));
        await gallery.AddAsync([Face("ada", "1", 0.1f), Face("bob", "2", 0.2f), Face("ada", "3", 0.3f)]);
        using var folder = new TempFolder();

        async Task<(IFaceIndex Index, bool Loaded, string? Why)> OpenIndexAsync() =>
            await FaceIndexes.LoadOrBuildAsync(folder.Path, await gallery.GetStampAsync(), 4,
                async ct => (await gallery.ReadIndexFacesAsync(ct)).Faces.Select(f => new IndexedFace(f.Id, f.Identity, f.Embedding)).ToList());

        var (faces, _) = await gallery.ReadIndexFacesAsync();
        Assert.Equal((await gallery.GetFacesAsync()).Select(f => (f.Id, f.Identity, f.Embedding[0])).Order(),
            faces.Select(f => (f.Id, f.Identity, f.Embedding[0])).Order());

        var first = await OpenIndexAsync();
        using (first.Index) Assert.False(first.Loaded);
        var second = await OpenIndexAsync();
        using (second.Index)
        {
            Assert.True(second.Loaded);
            Assert.Equal(["ada", "bob"], second.Index.Search([0.1f, -0.5f, 0.5f, -0.5f], 5).Select(d => d.Identity));
        }
        await gallery.AddAsync([Face("cy", "4", 0.15f)]);
        var third = await OpenIndexAsync();
        using (third.Index)
        {
            Assert.False(third.Loaded);
            Assert.Equal(4, third.Index.Count);
        }
    }

    [Fact]
    public async Task A_store_that_cannot_be_reached_is_a_one_line_error_without_the_password()
    {
        var error = await Assert.ThrowsAsync<VisageException>(() =>
            PostgresGallery.OpenAsync("postgres://visage:s3cret@127.0.0.1:1/nowhere?connect_timeout=3", new GalleryBinding("m", 4, null, null)));
        Assert.Contains("postgres://visage:***@127.0.0.1:1/nowhere", error.Message);
        Assert.DoesNotContain("s3cret", error.Message);
        Assert.DoesNotContain('\n', error.Message);
    }

    [Theory]
    [InlineData("postgres://db.example/faces", "db.example", 5432, "faces", null)]
    [InlineData("postgresql://ann:p%40ss@10.0.0.5:6543/my%20db?sslmode=require", "10.0.0.5", 6543, "my db", "ann")]
    public void Store_URLs_become_connection_settings(string url, string host, int port, string database, string? user)
    {
        var settings = PostgresLocation.Parse(url);
        Assert.Equal(host, settings.Host);
        Assert.Equal(port, settings.Port);
        Assert.Equal(database, settings.Database);
        Assert.Equal(user, settings.Username);
        if (user is not null)
        {
            Assert.Equal("p@ss", settings.Password);
            Assert.Equal(Npgsql.SslMode.Require, settings.SslMode);
        }
    }

    [Theory]
    [InlineData("postgres://host")]
    [InlineData("postgres:///db")]
    [InlineData("mysql://host/db")]
    [InlineData("postgres://host/db?bogus=1")]
    public void A_bad_store_URL_is_refused_by_name(string url)
    {
        var error = Assert.Throws<VisageException>(() => PostgresLocation.Parse(url));
        Assert.StartsWith(url, error.Message);
    }
}
