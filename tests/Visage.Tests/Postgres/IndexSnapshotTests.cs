using Npgsql;
using Visage.Search;
using Visage.Storage;
using Visage.Storage.Postgres;

namespace Visage.Tests.Postgres;

/// <summary>
/// Graph snapshots in the shared store: a replica uploads its graph, a new replica (empty Visage home) starts
/// from it instead of building, and a snapshot that is damaged, bound elsewhere or half-written is never used.
/// Graphs from 20 faces up (the default is 20,000), so a few dozen faces make one.
/// </summary>
[Collection(PostgresCollection.Name)]
public sealed class IndexSnapshotTests(PostgresFixture fixture)
{
    private const int Dimensions = 16;

    private static readonly FaceIndexOptions Options = FaceIndexOptions.Default with
    {
        HnswFromFaces = 20,
        Hnsw = HnswOptions.Default with { Threads = 1 },
        SnapshotCheck = null,
    };

    private static readonly GalleryBinding Binding = new("m", Dimensions, null, null);

    private static float[] Vector(int seed)
    {
        var random = new Random(seed);
        return Enumerable.Range(0, Dimensions).Select(_ => (float)random.NextDouble() * 2 - 1).ToArray();
    }

    private static NewFace Face(string identity, int seed) =>
        new(identity, Vector(seed), $"/photos/{seed}.jpg", seed.ToString().PadLeft(64, '0'));

    private static List<NewFace> People(int count, int from = 0) =>
        Enumerable.Range(from, count).SelectMany(i => new[] { Face($"p{i:D3}", 2 * i + 1), Face($"p{i:D3}", 2 * i + 2) }).ToList();

    private static async Task<long> ScalarAsync(string url, string sql)
    {
        await using var connection = new NpgsqlConnection(PostgresLocation.Parse(url).ConnectionString);
        await connection.OpenAsync();
        return Convert.ToInt64(await new NpgsqlCommand(sql, connection).ExecuteScalarAsync());
    }

    private async Task<(string Url, PostgresGallery Gallery)> StoreAsync(int people = 60)
    {
        var url = fixture.Server.UrlOf(await fixture.Server.CreateDatabaseNameAsync());
        var gallery = await PostgresGallery.OpenAsync(url, Binding);
        await gallery.AddAsync(People(people));
        return (url, gallery);
    }

    /// <summary>A store whose graph snapshot a replica (with a home of its own, closed since) has uploaded.</summary>
    private async Task<(string Url, PostgresGallery Gallery)> StoreWithSnapshotAsync(
        int partBytes = PostgresIndexSnapshots.DefaultPartBytes)
    {
        var (url, gallery) = await StoreAsync();
        using var homeA = new TestData.TempFolder();
        await using (var a = await GalleryIndex.OpenAsync(gallery, homeA.Path, url, Options))
            Assert.NotNull((await a.UploadSnapshotAsync(partBytes: partBytes)).Id);
        return (url, gallery);
    }

    private static List<KeyValuePair<long, string>> Sorted(IReadOnlyDictionary<long, string> faces) =>
        faces.OrderBy(f => f.Key).ToList();

    [Fact]
    public async Task A_new_replica_starts_from_the_snapshot_another_uploaded_and_answers_as_it_does()
    {
        var (url, gallery) = await StoreAsync();
        using var _ = gallery;
        using var homeA = new TestData.TempFolder();
        using var homeB = new TestData.TempFolder();
        await using var a = await GalleryIndex.OpenAsync(gallery, homeA.Path, url, Options);
        Assert.Equal("built", a.Origin);
        Assert.Equal("hnsw", a.Kind);
        var upload = await a.UploadSnapshotAsync(partBytes: 4096);
        Assert.Null(upload.WhyNot);
        Assert.NotNull(upload.Id);
        Assert.True(await ScalarAsync(url, "SELECT count(*) FROM index_snapshot_parts") > 1, "the graph is cut into parts");

        // After the snapshot: new faces and a rename, which B must hold too.
        await gallery.AddAsync([Face("late", 1000), Face("later", 1001)]);
        await gallery.RenamePersonAsync("p003", "P three");
        await a.Sync!.CatchUpNowAsync();

        await using var b = await GalleryIndex.OpenAsync(gallery, homeB.Path, url, Options);
        Assert.Equal("snapshot", b.Origin);
        Assert.False(b.Loaded);
        Assert.Equal(upload.Id, b.FromSnapshot!.Id);
        Assert.Equal(upload.Stamp, b.FromSnapshot.SnapshotStamp);
        Assert.Equal(2, b.FromSnapshot.Added);
        Assert.Equal(0, b.FromSnapshot.Removed);
        Assert.Equal("hnsw", b.Kind);
        var (stored, stamp) = await gallery.ReadIndexFacesAsync();
        Assert.Equal(stamp, b.Stamp);
        Assert.Equal(Sorted(stored.ToDictionary(f => f.Id, f => f.Identity)), Sorted(b.FaceIdentities()));
        Assert.Equal(Sorted(a.FaceIdentities()), Sorted(b.FaceIdentities()));
        Assert.Equal("late", b.Search(Vector(1000), 1)[0].Identity);
        Assert.Equal("P three", b.Search(Vector(7), 1)[0].Identity);
        foreach (var seed in Enumerable.Range(1, 122).Concat(Enumerable.Range(5000, 40)))
            Assert.Equal(a.Search(Vector(seed), 3), b.Search(Vector(seed), 3));

        // It follows the store from there, and saved its graph locally for its next start.
        await gallery.AddAsync([Face("newest", 2000)]);
        await b.Sync!.CatchUpNowAsync();
        Assert.Equal("newest", b.Search(Vector(2000), 1)[0].Identity);
        await b.FirstSnapshotCheck;
        Assert.True(File.Exists(Path.Combine(homeB.Path, FaceIndexFile.FacesFile)));
    }

    [Fact]
    public async Task A_replica_restarted_on_the_same_home_loads_its_own_copy_saved_after_starting_from_the_snapshot()
    {
        var (url, gallery) = await StoreWithSnapshotAsync();
        using var _ = gallery;
        using var homeB = new TestData.TempFolder();
        await using (var b = await GalleryIndex.OpenAsync(gallery, homeB.Path, url, Options))
        {
            Assert.Equal("snapshot", b.Origin);
            await b.FirstSnapshotCheck;
        }
        await using var again = await GalleryIndex.OpenAsync(gallery, homeB.Path, url, Options);
        Assert.Equal("loaded", again.Origin);
    }

    [Fact]
    public async Task A_replica_that_builds_its_graph_uploads_it_in_the_background()
    {
        var (url, gallery) = await StoreAsync();
        using var _ = gallery;
        using var home = new TestData.TempFolder();
        await using var a = await GalleryIndex.OpenAsync(gallery, home.Path, url,
            Options with { SnapshotCheck = TimeSpan.FromMinutes(10) });
        await a.FirstSnapshotCheck.WaitAsync(TimeSpan.FromMinutes(2));
        Assert.Null(a.SnapshotError);
        Assert.NotNull(a.LastSnapshotUpload?.Id);
        Assert.Equal(1, await ScalarAsync(url, "SELECT count(*) FROM index_snapshots"));
        // Asked again, it has nothing to do: the store's snapshot is current.
        Assert.Null(await a.RefreshSnapshotAsync(CancellationToken.None));
    }

    [Theory]
    [InlineData("UPDATE index_snapshot_parts SET data = set_byte(data, 100, (get_byte(data, 100) + 1) % 256) WHERE part = 0", "corrupt")]
    [InlineData("DELETE FROM index_snapshot_parts WHERE part = 1", "incomplete")]
    [InlineData("UPDATE index_snapshots SET face_ids = substring(face_ids from 9)", "corrupt")]
    public async Task A_damaged_snapshot_is_refused_with_its_reason_and_the_replica_builds(string damage, string reason)
    {
        var (url, gallery) = await StoreWithSnapshotAsync(1024);
        using var _ = gallery;
        using var homeB = new TestData.TempFolder();
        await using (var connection = new NpgsqlConnection(PostgresLocation.Parse(url).ConnectionString))
        {
            await connection.OpenAsync();
            await new NpgsqlCommand(damage, connection).ExecuteNonQueryAsync();
        }

        await using var b = await GalleryIndex.OpenAsync(gallery, homeB.Path, url, Options);
        Assert.Equal("built", b.Origin);
        Assert.Contains(reason, b.WhyBuilt);
        Assert.Equal(120, b.Count);
        Assert.Equal("p004", b.Search(Vector(9), 1)[0].Identity);
        Assert.Empty(Directory.GetFiles(homeB.Path, "*.tmp"));
    }

    [Theory]
    [InlineData("model_id = 'another-model'", "bound to model 'another-model'")]
    [InlineData("fingerprint_id = 'another-fingerprint'", "fingerprint another-fingerprint")]
    [InlineData("options = 'scalar=float32;connectivity=16'", "scalar=float32")]
    public async Task A_snapshot_bound_to_another_model_or_graph_is_not_used(string change, string reason)
    {
        var (url, gallery) = await StoreWithSnapshotAsync();
        using var _ = gallery;
        using var homeB = new TestData.TempFolder();
        await ScalarAsync(url, $"UPDATE index_snapshots SET {change}");

        await using var b = await GalleryIndex.OpenAsync(gallery, homeB.Path, url, Options);
        Assert.Equal("built", b.Origin);
        Assert.Contains(reason, b.WhyBuilt);
        Assert.Equal(120, b.Count);
    }

    [Fact]
    public async Task An_interrupted_upload_leaves_nothing_and_the_snapshot_before_it_stands()
    {
        var (url, gallery) = await StoreAsync();
        using var _ = gallery;
        using var homeA = new TestData.TempFolder();
        using var homeB = new TestData.TempFolder();
        await using var a = await GalleryIndex.OpenAsync(gallery, homeA.Path, url, Options);
        var first = await a.UploadSnapshotAsync(partBytes: 1024);
        Assert.NotNull(first.Id);
        var parts = await ScalarAsync(url, "SELECT count(*) FROM index_snapshot_parts");

        await gallery.AddAsync(People(5, from: 100));
        await a.Sync!.CatchUpNowAsync();
        await Assert.ThrowsAsync<IOException>(() => a.UploadSnapshotAsync(partBytes: 1024,
            afterPart: part => { if (part == 2) throw new IOException("connection cut"); }));
        using (var cancel = new CancellationTokenSource())
            await Assert.ThrowsAnyAsync<OperationCanceledException>(() => a.UploadSnapshotAsync(partBytes: 1024,
                afterPart: part => { if (part == 1) cancel.Cancel(); }, ct: cancel.Token));

        Assert.Equal(1, await ScalarAsync(url, "SELECT count(*) FROM index_snapshots"));
        Assert.Equal(first.Id, await ScalarAsync(url, "SELECT max(id) FROM index_snapshots"));
        Assert.Equal(parts, await ScalarAsync(url, "SELECT count(*) FROM index_snapshot_parts"));
        Assert.Empty(Directory.GetFiles(homeA.Path, "*.tmp"));

        // A new replica starts from the snapshot that stands, and holds the faces added since.
        await using var b = await GalleryIndex.OpenAsync(gallery, homeB.Path, url, Options);
        Assert.Equal("snapshot", b.Origin);
        Assert.Equal(10, b.FromSnapshot!.Added);
        Assert.Equal(130, b.Count);

        // A later complete upload replaces it.
        var second = await a.UploadSnapshotAsync();
        Assert.NotNull(second.Id);
        Assert.Equal(second.Id, await ScalarAsync(url, "SELECT max(id) FROM index_snapshots"));
        Assert.Equal(1, await ScalarAsync(url, "SELECT count(*) FROM index_snapshots"));
        Assert.Equal(0, await ScalarAsync(url, $"SELECT count(*) FROM index_snapshot_parts WHERE snapshot_id = {first.Id}"));
    }

    [Fact]
    public async Task Erasing_faces_deletes_every_snapshot_which_still_held_them()
    {
        var (url, gallery) = await StoreAsync();
        using var _ = gallery;
        using var homeA = new TestData.TempFolder();
        using var homeB = new TestData.TempFolder();
        await using var a = await GalleryIndex.OpenAsync(gallery, homeA.Path, url, Options);
        Assert.NotNull((await a.UploadSnapshotAsync()).Id);

        await gallery.DeletePersonAsync("p004");
        Assert.Equal(0, await ScalarAsync(url, "SELECT count(*) FROM index_snapshots"));
        Assert.Equal(0, await ScalarAsync(url, "SELECT count(*) FROM index_snapshot_parts"));

        await using (var b = await GalleryIndex.OpenAsync(gallery, homeB.Path, url, Options))
        {
            Assert.Equal("built", b.Origin);
            Assert.Contains("no graph snapshot", b.WhyBuilt);
        }
        // The replica that follows the erasure uploads a graph without the erased faces.
        await a.Sync!.CatchUpNowAsync();
        Assert.False(a.Contains(9));
        var again = await a.RefreshSnapshotAsync(CancellationToken.None);
        Assert.NotNull(again?.Id);
    }
}
