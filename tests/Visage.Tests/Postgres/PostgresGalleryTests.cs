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
    public async Task Encodings_are_kept_in_the_row_and_crops_out_of_it_so_a_replica_reads_them_in_one_pass()
    {
        var url = await NewStoreAsync();
        using (await PostgresGallery.OpenAsync(url, new GalleryBinding("m", 512, null, null))) { }

        // 40 faces of 512 float32 (2,048 random bytes) with an 8,000-byte crop each, written as an enrolment writes them.
        await ScalarAsync(url, """
            WITH person AS (INSERT INTO identities (name) VALUES ('someone') RETURNING id)
            INSERT INTO faces (identity_id, model_id, embedding, source_path, image_sha256, crop, added_at)
            SELECT (SELECT id FROM person), 'm',
                   (SELECT decode(string_agg(lpad(to_hex((random() * 4294967295)::bigint), 8, '0'), ''), 'hex') FROM generate_series(1, 512 + g * 0)),
                   'photo' || g, md5(g::text) || md5(g::text),
                   (SELECT decode(string_agg(lpad(to_hex((random() * 4294967295)::bigint), 8, '0'), ''), 'hex') FROM generate_series(1, 2000 + g * 0)),
                   now()
            FROM generate_series(1, 40) g;
            SELECT 0
            """);

        // In the row: the table itself holds at least the 40 encodings; the crops went to the TOAST table.
        Assert.True(await ScalarAsync(url, "SELECT pg_relation_size('faces')") >= 40 * 2048);
        Assert.True(await ScalarAsync(url, "SELECT pg_relation_size(reltoastrelid) FROM pg_class WHERE relname = 'faces'") >= 40 * 8000);
        Assert.Equal(40, await ScalarAsync(url, "SELECT count(*) FROM faces WHERE octet_length(embedding) = 2048"));
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
    public async Task The_change_log_keeps_at_most_its_capacity_and_records_the_floor_below_which_changes_are_gone()
    {
        var url = await NewStoreAsync();
        using var gallery = await PostgresGallery.OpenAsync(url, new GalleryBinding("m", 4, null, null));
        long Floor() => ScalarAsync(url, $"SELECT value::bigint FROM visage_meta WHERE key = '{PostgresSchema.FloorKey}'").Result;
        Assert.Equal(0, Floor());
        for (var round = 0; round < 5; round++)
        {
            await PostgresIndexSyncTests.BulkAddAsync(url, $"r{round}-", 3_000);
            Assert.InRange(await ScalarAsync(url, "SELECT count(*) FROM changes"), 1, PostgresSchema.LogCapacity);
        }
        for (var i = 0; i < 40; i++) await gallery.AddAsync([Face($"one{i}", $"{i + 1}")]);
        Assert.InRange(await ScalarAsync(url, "SELECT count(*) FROM changes"), 1, PostgresSchema.LogCapacity);

        // Every change above the floor is still there; the stamp is the newest.
        var floor = Floor();
        Assert.True(floor > 0);
        var newest = PostgresIndexSync.ChangeOf(await gallery.GetStampAsync());
        Assert.Equal(newest, await ScalarAsync(url, "SELECT max(id) FROM changes"));
        Assert.Equal(newest - floor, await ScalarAsync(url, $"SELECT count(*) FROM changes WHERE id > {floor}"));
        Assert.Equal(0, await ScalarAsync(url, $"SELECT count(*) FROM changes WHERE id <= {floor}"));
        Assert.Equal(15_040, await ScalarAsync(url, "SELECT count(*) FROM faces"));
    }

    [Fact]
    public async Task A_version_2_store_migrates_on_open_its_long_log_trimmed_and_its_old_erasures_reconciled()
    {
        var url = await NewStoreAsync();
        await using (var connection = new NpgsqlConnection(PostgresLocation.Parse(url).ConnectionString))
        {
            await connection.OpenAsync();
            Assert.Equal(new[] { 1, 2 }, await PostgresSchema.MigrateAsync(connection, "test", CancellationToken.None, upTo: 2));
        }
        // Written by version 2: more adds than version 3 keeps, a rename, a bare erase.
        await PostgresIndexSyncTests.BulkAddAsync(url, "old", PostgresSchema.LogCapacity + 100);
        await ScalarAsync(url, "WITH u AS (UPDATE identities SET name = 'renamed' WHERE name = 'old000001' RETURNING 1) SELECT count(*) FROM u");
        await ScalarAsync(url, "WITH d AS (DELETE FROM identities WHERE name = 'old000002' RETURNING 1) SELECT count(*) FROM d");
        Assert.Equal(1, await ScalarAsync(url, "SELECT count(*) FROM changes WHERE kind = 'erase'"));
        var erased = await ScalarAsync(url, "SELECT max(id) FROM changes");
        await PostgresIndexSyncTests.BulkAddAsync(url, "more", PostgresSchema.LogCapacity + 100);
        var before = await ScalarAsync(url, "SELECT max(id) FROM changes");
        Assert.True(await ScalarAsync(url, "SELECT count(*) FROM changes") > PostgresSchema.LogCapacity);

        using var gallery = await PostgresGallery.OpenAsync(url, new GalleryBinding("m", 4, null, null));
        Assert.Equal(PostgresSchema.LatestVersion, await ScalarAsync(url, "SELECT max(version) FROM visage_schema_migrations"));
        Assert.Equal(PostgresSchema.LogKeptAfterTrim, await ScalarAsync(url, "SELECT count(*) FROM changes"));
        Assert.Equal(before, PostgresIndexSync.ChangeOf(await gallery.GetStampAsync()));
        Assert.Equal(before - PostgresSchema.LogKeptAfterTrim,
            await ScalarAsync(url, $"SELECT value::bigint FROM visage_meta WHERE key = '{PostgresSchema.FloorKey}'"));

        // A replica that applied everything up to the old erasure is below the floor now: it reconciles.
        var faces = (await gallery.ReadIndexFacesAsync()).Faces;
        using var index = FaceIndexes.Build(4, faces.Where(f => !f.Identity.StartsWith("more", StringComparison.Ordinal))
            .Select(f => new IndexedFace(f.Id, f.Identity, f.Embedding)).ToList());
        await using (var sync = PostgresIndexSync.Start(url, index, erased))
        {
            await sync.CatchUpNowAsync();
            Assert.Equal(1, sync.Reconciled);
            Assert.Equal(faces.Count, index.Count);
            Assert.Equal(before, sync.AppliedChange);

            // A deletion now logs a version-3 erase, which the caught-up replica applies without reconciling.
            await gallery.DeletePersonAsync("renamed");
            await sync.CatchUpNowAsync();
            Assert.Equal(1, sync.Reconciled);
            Assert.Equal(1, sync.ErasesApplied);
            Assert.Equal(faces.Count - 1, index.Count);
        }
    }

    [Fact]
    public async Task A_bare_erase_logged_by_version_2_makes_a_replica_reconcile_after_the_migration()
    {
        var url = await NewStoreAsync();
        await using (var connection = new NpgsqlConnection(PostgresLocation.Parse(url).ConnectionString))
        {
            await connection.OpenAsync();
            await PostgresSchema.MigrateAsync(connection, "test", CancellationToken.None, upTo: 2);
        }
        await PostgresIndexSyncTests.BulkAddAsync(url, "p", 3);
        var before = await ScalarAsync(url, "SELECT max(id) FROM changes");
        await ScalarAsync(url, "WITH d AS (DELETE FROM identities WHERE name = 'p000001' RETURNING 1) SELECT count(*) FROM d");

        using var gallery = await PostgresGallery.OpenAsync(url, new GalleryBinding("m", 4, null, null));
        Assert.Equal(1, await ScalarAsync(url, "SELECT count(*) FROM changes WHERE kind = 'erase' AND face_ids IS NULL"));
        using var index = FaceIndexes.Build(4, [new IndexedFace(1, "p000000", [0, 1000, 1, 0]),
            new IndexedFace(2, "p000001", [0, 1001, 1, 0]), new IndexedFace(3, "p000002", [0, 1002, 1, 0])]);
        await using var sync = PostgresIndexSync.Start(url, index, before);
        await sync.CatchUpNowAsync();
        Assert.Equal(1, sync.Reconciled);
        Assert.Equal(0, sync.ErasesApplied);
        Assert.Equal(new[] { "p000000", "p000002" }, index.FaceIdentities().Values.Order(StringComparer.Ordinal));
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
        // It lists the face removed, whose row is gone.
        Assert.Equal(1, await ScalarAsync(url, "SELECT cardinality(face_ids) FROM changes WHERE kind = 'erase'"));
        Assert.Equal(0, await ScalarAsync(url, "SELECT count(*) FROM faces WHERE id IN (SELECT unnest(face_ids) FROM changes WHERE kind = 'erase')"));
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
