using Visage.Detection;
using Visage.Recognition;
using Visage.Search;
using Visage.Storage;
using Visage.Storage.Postgres;
using Visage.Tests.Facade;
using Visage.Tests.Search;

namespace Visage.Tests.Postgres;

/// <summary>
/// People on a PostgreSQL store, as a replica opens it: its graph saved on close, loaded at the next open even
/// when others have written since, and the store's log replayed from the saved change, so it answers as the
/// matcher does over what the store holds now.
/// </summary>
[Collection(PostgresCollection.Name)]
public sealed class PostgresPeopleTests(PostgresFixture fixture, RecognizerFixture recognizer)
    : IClassFixture<RecognizerFixture>
{
    private FaceRecognizer Visage => recognizer.Recognizer;

    private static PeopleOptions Options(bool create = false) => new()
    {
        CreateIfMissing = create,
        Index = FaceIndexOptions.Default with { HnswFromFaces = 20, Hnsw = HnswOptions.Default with { Threads = 1 } },
    };

    private NewFace[] Faces(string prefix, int identities, int seed)
    {
        var faces = GeneratedFaces.Gallery(identities, 3, Visage.Dimensions, seed);
        return faces.Select(f => new NewFace($"{prefix}{f.Identity}", f.Embedding, $"{prefix}{f.Id}.jpg", $"{prefix}-{seed}-{f.Id}")).ToArray();
    }

    [Fact]
    public async Task A_replica_loads_its_saved_graph_and_replays_what_others_wrote_since()
    {
        var store = fixture.Server.UrlOf(await fixture.Server.CreateDatabaseNameAsync());
        var binding = Visage.Pipeline.GalleryBinding;
        var first = Faces("first ", 30, 1);
        string saved;
        using (var gallery = await PostgresGallery.OpenAsync(store, binding))
        {
            await gallery.AddAsync(first);
            saved = Path.Combine(Visage.Home.IndexesFolder, gallery.StoreId);
        }
        try
        {
            await ReplaysAsync(store, binding, first);
            Assert.True(File.Exists(Path.Combine(saved, FaceIndexFile.FacesFile)));
        }
        finally
        {
            if (Directory.Exists(saved)) Directory.Delete(saved, recursive: true);
        }
    }

    private async Task ReplaysAsync(string store, GalleryBinding binding, NewFace[] first)
    {

        using (var people = await People.OpenAsync(Visage, store, Options()))
        {
            Assert.Equal("hnsw", people.Index.Kind);
            Assert.False(people.Index.Loaded);
            Assert.Equal(first.Length, people.FaceCount);
            // The listener connects in the background; the index is complete before (it caught up on open).
            for (var i = 0; i < 200 && people.Index.Following != true; i++) await Task.Delay(50);
            Assert.True(people.Index.Following);
        }

        // Others write while this replica is away: more faces, a person erased, one renamed.
        var later = Faces("later ", 15, 2);
        using (var other = await PostgresGallery.OpenAsync(store, binding))
        {
            await other.AddAsync(later);
            await other.DeletePersonAsync((await other.ListPeopleAsync())[0].Name);
            await other.RenamePersonAsync(later[0].Identity, "Renamed Later");
        }

        using (var people = await People.OpenAsync(Visage, store, Options()))
        {
            Assert.True(people.Index.Loaded, people.Index.WhyBuilt);
            using var gallery = await PostgresGallery.OpenAsync(store, binding, GalleryOpenMode.MustExist);
            var stored = await gallery.GetFacesAsync();
            Assert.Equal(stored.Count, people.FaceCount);
            Assert.Equal(stored.Select(f => f.Identity).Distinct().Count(), people.PeopleCount);
            var matcher = new FaceMatcher(stored);
            foreach (var probe in stored.Take(40).Concat(later.Take(5).Select((f, i) => stored[i] with { Embedding = f.Embedding })))
            {
                var face = new Face(new FaceBox(0, 0, 10, 10), 1, null, probe.Embedding);
                var expected = matcher.Identify(face, people.Threshold.Value);
                var actual = people.Identify(face);
                Assert.Equal(expected.Nearest, actual.Nearest);
                MatcherReference.AssertSame(expected.Distances.Take(GalleryIndex.GraphCandidates).ToList(), actual.Distances);
            }
            Assert.Contains("Renamed Later", stored.Select(f => f.Identity));
        }
    }

    [Fact]
    public async Task A_replica_with_an_empty_home_starts_from_the_stores_snapshot_and_says_so()
    {
        var store = fixture.Server.UrlOf(await fixture.Server.CreateDatabaseNameAsync());
        var binding = Visage.Pipeline.GalleryBinding;
        var faces = Faces("snap ", 30, 3);
        using var gallery = await PostgresGallery.OpenAsync(store, binding);
        await gallery.AddAsync(faces);
        var home = Path.Combine(Visage.Home.IndexesFolder, gallery.StoreId);
        try
        {
            // Another replica, elsewhere, built its graph and uploaded it.
            using (var elsewhere = new TestData.TempFolder())
            await using (var other = await GalleryIndex.OpenAsync(gallery, elsewhere.Path, store,
                             Options().Index! with { SnapshotCheck = null }))
                Assert.NotNull((await other.UploadSnapshotAsync()).Id);
            Assert.False(Directory.Exists(home));

            using var people = await People.OpenAsync(Visage, store, Options());
            Assert.Equal("snapshot", people.Index.Origin);
            Assert.False(people.Index.Loaded);
            Assert.StartsWith("from the store's snapshot ", people.Index.OriginDetail);
            Assert.Equal(faces.Length, people.FaceCount);
            var stored = await gallery.GetFacesAsync();
            var matcher = new FaceMatcher(stored);
            foreach (var probe in stored.Take(30))
            {
                var face = new Face(new FaceBox(0, 0, 10, 10), 1, null, probe.Embedding);
                var expected = matcher.Identify(face, people.Threshold.Value);
                var actual = people.Identify(face);
                Assert.Equal(expected.Nearest, actual.Nearest);
                MatcherReference.AssertSame(expected.Distances.Take(GalleryIndex.GraphCandidates).ToList(), actual.Distances);
            }
        }
        finally
        {
            if (Directory.Exists(home)) Directory.Delete(home, recursive: true);
        }
    }
}
