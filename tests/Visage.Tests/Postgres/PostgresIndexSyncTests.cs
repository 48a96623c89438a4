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

    private static List<(long, string)> Sorted(IEnumerable<KeyValuePair<long, string>> faces) =>
        faces.OrderBy(f => f.Key).Select(f => (f.Key, f.Value)).ToList();

    [Fact]
    public async Task A_deleted_person_leaves_neither_name_nor_face_ids_in_the_change_log_and_every_replica_forgets_them()
    {
        var url = fixture.Server.UrlOf(await fixture.Server.CreateDatabaseNameAsync());
        await using var a = await Replica.StartAsync(url);
        await using var b = await Replica.StartAsync(url);
        await a.Gallery.AddAsync([Face("ada", "1", 1f), Face("ada", "2", 2f), Face("bob", "3", -1f)]);
        await EventuallyAsync(() => b.Index.Count == 3, "B holds the three faces");
        var adaFaces = b.Index.FaceIdentities().Where(f => f.Value == "ada").Select(f => f.Key).ToList();
        await a.Gallery.RenamePersonAsync("ada", "Ada L");
        await a.Gallery.DeletePersonAsync("Ada L");
        await b.Gallery.AddAsync([Face("cy", "4", 4f)]);

        await EventuallyAsync(() => a.Index.Count == 2 && b.Index.Count == 2, "both forget Ada and hold cy");
        Assert.Equal("bob", b.Nearest([-1, 0, 0, 0]));
        Assert.Equal("cy", a.Nearest([2, 0, 0, 0]));
        var log = await LogAsync(url);
        Assert.Contains(log, row => row.Kind == "erase");
        Assert.DoesNotContain(log, row => row.Identity is "ada" or "Ada L" || row.NewIdentity is "ada" or "Ada L"
                                          || (row.FaceId is { } id && adaFaces.Contains(id)));
        Assert.True(a.Sync.Reconciled >= 1 && b.Sync.Reconciled >= 1);
        Assert.Equal(Sorted(a.Index.FaceIdentities()), Sorted(b.Index.FaceIdentities()));
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

        var (now, nowStamp) = await gallery.ReadIndexFacesAsync();
        Assert.Equal(Sorted(now.Select(f => KeyValuePair.Create(f.Id, f.Identity))), Sorted(index.FaceIdentities()));
        Assert.Equal(PostgresIndexSync.ChangeOf(nowStamp), sync.AppliedChange);
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
        var (now, stamp) = await gallery.ReadIndexFacesAsync();
        Assert.Equal(PostgresIndexSync.ChangeOf(stamp), second.Sync.AppliedChange);
        Assert.Equal(Sorted(now.Select(f => KeyValuePair.Create(f.Id, f.Identity))), Sorted(second.FaceIdentities()));
        Assert.Equal("late", second.Search([100, 0, 0, 0], 1)[0].Identity);
        Assert.Equal("P three", second.Search([4, 0, 0, 0], 1)[0].Identity);
    }
}
