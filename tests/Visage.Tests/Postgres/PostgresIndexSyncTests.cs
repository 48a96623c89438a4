using Npgsql;
using Visage.Search;
using Visage.Storage;
using Visage.Storage.Postgres;

namespace Visage.Tests.Postgres;

/// <summary>
/// Two replicas, each with its own store connection and in-memory index, on one database: what one does, the
/// other sees. Waits are generous (the machine may be busy); how fast it is, is not what these tests check.
/// </summary>
[Collection(PostgresCollection.Name)]
public sealed class PostgresIndexSyncTests(PostgresFixture fixture)
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(30);

    private sealed class Replica : IAsyncDisposable
    {
        public required PostgresGallery Gallery { get; init; }
        public required IFaceIndex Index { get; init; }
        public required PostgresIndexSync Sync { get; init; }

        public static async Task<Replica> StartAsync(string url)
        {
            var gallery = await PostgresGallery.OpenAsync(url, new GalleryBinding("m", 4, null, null));
            var (faces, stamp) = await gallery.ReadIndexFacesAsync();
            var index = FaceIndexes.Build(4, faces.Select(f => new IndexedFace(f.Id, f.Identity, f.Embedding)).ToList());
            return new Replica { Gallery = gallery, Index = index, Sync = PostgresIndexSync.Start(url, index, PostgresIndexSync.ChangeOf(stamp)) };
        }

        public string? Nearest(float[] probe) => Index.Search(probe, 1).FirstOrDefault()?.Identity;

        public async ValueTask DisposeAsync()
        {
            await Sync.DisposeAsync();
            Index.Dispose();
            Gallery.Dispose();
        }
    }

    private static NewFace Face(string identity, string image, float x) =>
        new(identity, [x, 0, 0, 0], $"/photos/{image}.jpg", image.PadLeft(64, '0'));

    private static async Task EventuallyAsync(Func<bool> condition, string what)
    {
        var deadline = DateTime.UtcNow + Patience;
        while (!condition())
        {
            if (DateTime.UtcNow > deadline) Assert.Fail($"not within {Patience.TotalSeconds} s: {what}");
            await Task.Delay(20);
        }
    }

    private static async Task SqlAsync(string url, string sql)
    {
        await using var connection = new NpgsqlConnection(PostgresLocation.Parse(url).ConnectionString);
        await connection.OpenAsync();
        await new NpgsqlCommand(sql, connection).ExecuteNonQueryAsync();
    }

    [Fact]
    public async Task A_face_enrolled_on_one_replica_is_recognised_on_the_other_and_a_deletion_forgotten()
    {
        var url = fixture.Server.UrlOf(await fixture.Server.CreateDatabaseNameAsync());
        await using var a = await Replica.StartAsync(url);
        await using var b = await Replica.StartAsync(url);
        await a.Gallery.AddAsync([Face("ada", "1", 1f)]);

        await EventuallyAsync(() => b.Nearest([1, 0, 0, 0]) == "ada", "B recognises ada, enrolled through A");

        await b.Gallery.AddAsync([Face("bob", "2", -1f)]);
        await EventuallyAsync(() => a.Nearest([-1, 0, 0, 0]) == "bob", "A recognises bob, enrolled through B");
        await SqlAsync(url, "DELETE FROM identities WHERE name = 'bob'");
        await EventuallyAsync(() => a.Nearest([-1, 0, 0, 0]) == "ada" && b.Nearest([-1, 0, 0, 0]) == "ada",
            "both forget bob once he is deleted");
        await SqlAsync(url, "UPDATE identities SET name = 'Ada Lovelace' WHERE name = 'ada'");
        await EventuallyAsync(() => a.Nearest([1, 0, 0, 0]) == "Ada Lovelace" && b.Nearest([1, 0, 0, 0]) == "Ada Lovelace",
            "both know ada's new name");
        Assert.Equal(1, a.Index.Count);
        Assert.Equal(1, b.Index.Count);
    }

    [Fact]
    public async Task A_replica_that_lost_its_connection_catches_up_on_what_it_missed()
    {
        var url = fixture.Server.UrlOf(await fixture.Server.CreateDatabaseNameAsync());
        await using var a = await Replica.StartAsync(url);
        await using var b = await Replica.StartAsync(url);
        await EventuallyAsync(() => b.Sync.Connected, "B listens");

        // B's listening connection is cut, and changes are made before it can come back.
        await SqlAsync(url, $"SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = '{PostgresIndexSync.ApplicationName}'");
        for (var i = 0; i < 20; i++) await a.Gallery.AddAsync([Face($"p{i:D2}", $"{100 + i}", i + 1)]);

        await EventuallyAsync(() => b.Index.Count == 20, "B holds all 20 faces added while it was away");
        Assert.Equal("p07", b.Nearest([8, 0, 0, 0]));
        // A's listener was cut too (same application name); its own writes went through its gallery, not its sync.
        await EventuallyAsync(() => b.Sync.Connected && a.Sync.Connected, "both listen again");
        await EventuallyAsync(() => a.Sync.AppliedChange == b.Sync.AppliedChange && a.Index.Count == 20,
            "both replicas applied the same changes");
    }
    private static async Task<List<(string Kind, long? FaceId, string Identity, string? NewIdentity)>> LogAsync(string url)
    {
        await using var connection = new NpgsqlConnection(PostgresLocation.Parse(url).ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand("SELECT kind, face_id, identity, new_identity FROM changes ORDER BY id", connection);
        await using var reader = await command.ExecuteReaderAsync();
        var rows = new List<(string, long?, string, string?)>();
        while (await reader.ReadAsync())
            rows.Add((reader.GetString(0), reader.IsDBNull(1) ? null : reader.GetInt64(1), reader.GetString(2),
                reader.IsDBNull(3) ? null : reader.GetString(3)));
        return rows;
    }

    /// <summary>
    /// The index holds exactly the faces stored, under their people's names, and its sync has applied the store's
    /// last change; returns the faces stored.
    /// </summary>
    private static async Task<IReadOnlyList<StoredEncoding>> AssertHoldsWhatIsStoredAsync(PostgresGallery gallery,
        IFaceIndex index, PostgresIndexSync sync)
    {
        var (now, stamp) = await gallery.ReadIndexFacesAsync();
        Assert.Equal(Sorted(now.Select(f => KeyValuePair.Create(f.Id, f.Identity))), Sorted(index.FaceIdentities()));
        Assert.Equal(PostgresIndexSync.ChangeOf(stamp), sync.AppliedChange);
        return now;
    }

    private static List<(long, string)> Sorted(IEnumerable<KeyValuePair<long, string>> faces) =>
        faces.OrderBy(f => f.Key).Select(f => (f.Key, f.Value)).ToList();

    private static async Task<List<(long Id, string Kind, long[]? FaceIds, long? Previous)>> ErasesAsync(string url)
    {
        await using var connection = new NpgsqlConnection(PostgresLocation.Parse(url).ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand("SELECT id, kind, face_ids, previous FROM changes ORDER BY id", connection);
        await using var reader = await command.ExecuteReaderAsync();
        var rows = new List<(long, string, long[]?, long?)>();
        while (await reader.ReadAsync())
            rows.Add((reader.GetInt64(0), reader.GetString(1), reader.IsDBNull(2) ? null : reader.GetFieldValue<long[]>(2),
                reader.IsDBNull(3) ? null : reader.GetInt64(3)));
        return rows;
    }

    private static async Task<long> ScalarAsync(string url, string sql)
    {
        await using var connection = new NpgsqlConnection(PostgresLocation.Parse(url).ConnectionString);
        await connection.OpenAsync();
        return Convert.ToInt64(await new NpgsqlCommand(sql, connection).ExecuteScalarAsync());
    }

    [Fact]
    public async Task A_deleted_person_leaves_no_name_in_the_change_log_and_caught_up_replicas_remove_the_faces_the_erase_lists()
    {
        var url = fixture.Server.UrlOf(await fixture.Server.CreateDatabaseNameAsync());
        await using var a = await Replica.StartAsync(url);
        await using var b = await Replica.StartAsync(url);
        await a.Gallery.AddAsync([Face("ada", "1", 1f), Face("ada", "2", 2f), Face("bob", "3", -1f)]);
        await EventuallyAsync(() => b.Index.Count == 3, "B holds the three faces");
        var adaFaces = b.Index.FaceIdentities().Where(f => f.Value == "ada").Select(f => f.Key).Order().ToArray();
        await a.Gallery.RenamePersonAsync("ada", "Ada L");
        // Both have applied every change before the erasure: they apply it by removing the faces it lists.
        await EventuallyAsync(() => a.Nearest([1, 0, 0, 0]) == "Ada L" && b.Nearest([1, 0, 0, 0]) == "Ada L",
            "both know Ada's new name");
        var beforeErase = (await ErasesAsync(url)).Max(row => row.Id);
        await a.Gallery.DeletePersonAsync("Ada L");
        await EventuallyAsync(() => a.Index.Count == 1 && b.Index.Count == 1, "both forget Ada");
        Assert.Equal(0, a.Sync.Reconciled);
        Assert.Equal(0, b.Sync.Reconciled);
        Assert.Equal(1, a.Sync.ErasesApplied);
        Assert.Equal(1, b.Sync.ErasesApplied);

        // The log: nothing before the erase, no name of Ada's; the erase lists her faces, which are stored no more.
        var erase = Assert.Single(await ErasesAsync(url));
        Assert.Equal("erase", erase.Kind);
        Assert.Equal(adaFaces, erase.FaceIds);
        Assert.Equal(beforeErase, erase.Previous);
        Assert.Equal(0, await ScalarAsync(url, $"SELECT count(*) FROM faces WHERE id IN ({string.Join(',', adaFaces)})"));
        Assert.Equal(0, await ScalarAsync(url, "SELECT count(*) FROM changes WHERE id < (SELECT max(id) FROM changes WHERE kind = 'erase')"));
        Assert.Equal(beforeErase, await ScalarAsync(url, $"SELECT value::bigint FROM visage_meta WHERE key = '{PostgresSchema.FloorKey}'"));

        await b.Gallery.AddAsync([Face("cy", "4", 4f)]);
        await EventuallyAsync(() => a.Index.Count == 2 && b.Index.Count == 2, "both hold cy");
        Assert.Equal("bob", b.Nearest([-1, 0, 0, 0]));
        Assert.Equal("cy", a.Nearest([2, 0, 0, 0]));
        Assert.DoesNotContain(await LogAsync(url), row => row.Identity is "ada" or "Ada L" || row.NewIdentity is "ada" or "Ada L"
                                                          || (row.FaceId is { } id && adaFaces.Contains(id)));
        Assert.Equal(Sorted(a.Index.FaceIdentities()), Sorted(b.Index.FaceIdentities()));
    }

    [Fact]
    public async Task A_replica_that_had_not_applied_the_change_before_an_erasure_reconciles()
    {
        var url = fixture.Server.UrlOf(await fixture.Server.CreateDatabaseNameAsync());
        using var gallery = await PostgresGallery.OpenAsync(url, new GalleryBinding("m", 4, null, null));
        await gallery.AddAsync([Face("ada", "1", 1f), Face("bob", "2", -1f)]);
        var (faces, stamp) = await gallery.ReadIndexFacesAsync();
        using var index = FaceIndexes.Build(4, faces.Select(f => new IndexedFace(f.Id, f.Identity, f.Embedding)).ToList());
        // A merge in one transaction: the erase of ada's faces (the log before it dropped), their re-inserts under bob.
        await gallery.AddAsync([Face("cy", "3", 3f)]);
        await gallery.MergePeopleAsync("ada", "bob");

        await using var sync = PostgresIndexSync.Start(url, index, PostgresIndexSync.ChangeOf(stamp));
        await sync.CatchUpNowAsync();

        await AssertHoldsWhatIsStoredAsync(gallery, index, sync);
        Assert.Equal(1, sync.Reconciled);
        Assert.Equal(0, sync.ErasesApplied);
        Assert.Equal("bob", index.Search([1, 0, 0, 0], 1)[0].Identity);
    }

    [Fact]
    public async Task A_replica_replays_adds_and_renames_in_order_in_batches_without_reconciling()
    {
        var url = fixture.Server.UrlOf(await fixture.Server.CreateDatabaseNameAsync());
        using var gallery = await PostgresGallery.OpenAsync(url, new GalleryBinding("m", 4, null, null));
        await gallery.AddAsync([Face("ada", "1", 1f)]);
        var (faces, stamp) = await gallery.ReadIndexFacesAsync();
        using var index = FaceIndexes.Build(4, faces.Select(f => new IndexedFace(f.Id, f.Identity, f.Embedding)).ToList());

        // Missed: 700 faces (more than one batch), x renamed to y, then a new x, a merge (erase and re-adds).
        for (var i = 0; i < 700; i += 100)
            await gallery.AddAsync(Enumerable.Range(i, 100).Select(k => Face($"p{k:D3}", $"{1000 + k}", 10 + k)).ToList());
        await gallery.AddAsync([Face("x", "2", -2f)]);
        await gallery.RenamePersonAsync("x", "y");
        await gallery.AddAsync([Face("x", "3", -3f)]);
        await using var sync = PostgresIndexSync.Start(url, index, PostgresIndexSync.ChangeOf(stamp));
        await sync.CatchUpNowAsync();
        Assert.Equal(0, sync.Reconciled);
        await gallery.MergePeopleAsync("p000", "ada");
        await sync.CatchUpNowAsync();

        await AssertHoldsWhatIsStoredAsync(gallery, index, sync);
        Assert.Equal(0, sync.Reconciled);
        Assert.Equal(1, sync.ErasesApplied);
        Assert.Equal("y", index.Search([-2, 0, 0, 0], 1)[0].Identity);
        Assert.Equal("x", index.Search([-3, 0, 0, 0], 1)[0].Identity);
        Assert.Equal("ada", index.Search([10, 0, 0, 0], 1)[0].Identity);
        Assert.Equal(703, index.Count);
    }

    /// <summary>
    /// Adds <paramref name="count"/> people of one face each in two statements (the way a bulk load does), their
    /// encodings (0, 1000 + i, 1, 0): away from the tests' other faces in direction too, as a graph sees them.
    /// </summary>
    internal static async Task BulkAddAsync(string url, string prefix, int count)
    {
        await using var connection = new NpgsqlConnection(PostgresLocation.Parse(url).ConnectionString);
        await connection.OpenAsync();
        var names = Enumerable.Range(0, count).Select(i => $"{prefix}{i:D6}").ToArray();
        var encodings = Enumerable.Range(0, count)
            .Select(i => System.Runtime.InteropServices.MemoryMarshal.AsBytes(new float[] { 0, 1000 + i, 1, 0 }.AsSpan()).ToArray())
            .ToArray();
        await using (var people = new NpgsqlCommand("INSERT INTO identities (name) SELECT unnest($1::text[])", connection))
        {
            people.Parameters.AddWithValue(names);
            await people.ExecuteNonQueryAsync();
        }
        await using var add = new NpgsqlCommand("""
            INSERT INTO faces (identity_id, model_id, embedding, source_path, image_sha256, added_at)
            SELECT i.id, 'm', u.e, '/bulk/' || u.n, md5(u.n) || md5(u.n), now()
            FROM unnest($1::text[], $2::bytea[]) AS u(n, e) JOIN identities i ON i.name = u.n
            """, connection);
        add.Parameters.AddWithValue(names);
        add.Parameters.AddWithValue(encodings);
        await add.ExecuteNonQueryAsync();
    }

    [Fact]
    public async Task A_replica_further_behind_than_the_log_reaches_reconciles_to_exactly_what_is_stored()
    {
        var url = fixture.Server.UrlOf(await fixture.Server.CreateDatabaseNameAsync());
        using var gallery = await PostgresGallery.OpenAsync(url, new GalleryBinding("m", 4, null, null));
        await gallery.AddAsync([Face("ada", "1", 1f), Face("bob", "2", -1f)]);
        var (faces, stamp) = await gallery.ReadIndexFacesAsync();
        using var index = FaceIndexes.Build(4, faces.Select(f => new IndexedFace(f.Id, f.Identity, f.Embedding)).ToList());

        // Missed: a rename and more adds than the log keeps, so the rename is trimmed away.
        await gallery.RenamePersonAsync("bob", "Bob");
        await BulkAddAsync(url, "bulk", PostgresSchema.LogCapacity + 500);
        Assert.True(await ScalarAsync(url, $"SELECT value::bigint FROM visage_meta WHERE key = '{PostgresSchema.FloorKey}'")
                    > PostgresIndexSync.ChangeOf(stamp));
        Assert.Equal(0, await ScalarAsync(url, "SELECT count(*) FROM changes WHERE kind = 'rename'"));

        await using var sync = PostgresIndexSync.Start(url, index, PostgresIndexSync.ChangeOf(stamp));
        await sync.CatchUpNowAsync();

        Assert.Equal(PostgresSchema.LogCapacity + 502, (await AssertHoldsWhatIsStoredAsync(gallery, index, sync)).Count);
        Assert.Equal(1, sync.Reconciled);
        Assert.Equal("Bob", index.Search([-1, 0, 0, 0], 1)[0].Identity);
    }

    [Fact]
    public async Task A_replica_whose_saved_graph_is_older_than_the_log_reaches_loads_it_and_reconciles()
    {
        var url = fixture.Server.UrlOf(await fixture.Server.CreateDatabaseNameAsync());
        using var folder = new Visage.Tests.TestData.TempFolder();
        var options = FaceIndexOptions.Default with { HnswFromFaces = 20, Hnsw = HnswOptions.Default with { Threads = 1 } };
        using var gallery = await PostgresGallery.OpenAsync(url, new GalleryBinding("m", 4, null, null));
        await gallery.AddAsync(Enumerable.Range(0, 30).Select(i => Face($"p{i:D2}", $"{i + 1}", i + 1f)).ToList());
        await using (var first = await GalleryIndex.OpenAsync(gallery, folder.Path, url, options))
            Assert.Equal("hnsw", first.Kind);

        // While the replica is down: a rename, then more adds than the log keeps.
        await gallery.RenamePersonAsync("p03", "P three");
        await BulkAddAsync(url, "bulk", PostgresSchema.LogCapacity + 10);

        await using var second = await GalleryIndex.OpenAsync(gallery, folder.Path, url, options);
        Assert.True(second.Loaded, second.WhyBuilt);
        Assert.Equal(1, second.Sync!.Reconciled);
        await AssertHoldsWhatIsStoredAsync(gallery, second, second.Sync);
        Assert.Equal("P three", second.Search([4, 0, 0, 0], 1)[0].Identity);
    }

    [Fact]
    public async Task A_replica_behind_an_erasure_reconciles_with_the_store_instead_of_replaying()
    {
        var url = fixture.Server.UrlOf(await fixture.Server.CreateDatabaseNameAsync());
        using var gallery = await PostgresGallery.OpenAsync(url, new GalleryBinding("m", 4, null, null));
        await gallery.AddAsync([Face("ada", "1", 1f), Face("bob", "2", -1f), Face("cy", "3", 3f)]);
        var (faces, stamp) = await gallery.ReadIndexFacesAsync();
        // A replica stopped here...
        using var index = FaceIndexes.Build(4, faces.Select(f => new IndexedFace(f.Id, f.Identity, f.Embedding)).ToList());

        // ...misses an add, a rename, an erasure (which drops the log before it) and an add after it.
        await gallery.AddAsync([Face("dee", "4", 4f)]);
        await gallery.RenamePersonAsync("cy", "Cy");
        await gallery.DeletePersonAsync("bob");
        await gallery.AddAsync([Face("eve", "5", 5f)]);
        Assert.DoesNotContain(await LogAsync(url), row => row.Identity is "bob" or "cy" or "dee");

        await using var sync = PostgresIndexSync.Start(url, index, PostgresIndexSync.ChangeOf(stamp));
        await sync.CatchUpNowAsync();

        await AssertHoldsWhatIsStoredAsync(gallery, index, sync);
        Assert.Equal(1, sync.Reconciled);
        Assert.Equal("Cy", index.Search([3, 0, 0, 0], 1)[0].Identity);
        Assert.Equal("eve", index.Search([5, 0, 0, 0], 1)[0].Identity);
    }
    [Fact]
    public async Task A_replica_restarted_with_its_saved_graph_loads_it_and_replays_what_was_written_while_it_was_down()
    {
        var url = fixture.Server.UrlOf(await fixture.Server.CreateDatabaseNameAsync());
        using var folder = new Visage.Tests.TestData.TempFolder();
        var options = FaceIndexOptions.Default with { HnswFromFaces = 20, Hnsw = HnswOptions.Default with { Threads = 1 } };
        using var gallery = await PostgresGallery.OpenAsync(url, new GalleryBinding("m", 4, null, null));
        await gallery.AddAsync(Enumerable.Range(0, 30).Select(i => Face($"p{i:D2}", $"{i + 1}", i + 1f)).ToList());
        await using (var first = await GalleryIndex.OpenAsync(gallery, folder.Path, url, options))
        {
            Assert.False(first.Loaded);
            Assert.Equal("hnsw", first.Kind);
        }

        // While the replica is down: a face added, a person renamed.
        await gallery.AddAsync([Face("late", "100", 100f)]);
        await gallery.RenamePersonAsync("p03", "P three");

        await using var second = await GalleryIndex.OpenAsync(gallery, folder.Path, url, options);
        Assert.True(second.Loaded, second.WhyBuilt);
        Assert.Equal(0, second.Sync!.Reconciled);
        await AssertHoldsWhatIsStoredAsync(gallery, second, second.Sync);
        Assert.Equal("late", second.Search([100, 0, 0, 0], 1)[0].Identity);
        Assert.Equal("P three", second.Search([4, 0, 0, 0], 1)[0].Identity);
    }
}
