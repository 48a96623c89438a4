using System.Security.Cryptography;
using System.Text;
using Visage.Recognition;
using Visage.Search;
using Visage.Storage;
using Visage.Tests.Facade;
using Visage.Tests.Integration;
using Visage.Tests.TestData;

namespace Visage.Tests.Search;

/// <summary>
/// People identifies through the search index: the same answers as the matcher it replaced (every identity's
/// distance, to the bit, while exact; the nearest ones from a graph), through enrolments, deletions, merges and
/// renames, a saved graph loaded on the next open, a stale or missing one rebuilt. On LFW encodings.
/// </summary>
[Collection(IntegrationCollection.Name)]
public sealed class PeopleIndexTests(PipelineFixture fixture, RecognizerFixture recognizer)
    : IClassFixture<RecognizerFixture>, IDisposable
{
    private readonly TempFolder _temp = new();

    public void Dispose() => _temp.Dispose();

    private FaceRecognizer Visage => recognizer.Recognizer;

    /// <summary>People with three photos or more: all but their last in the gallery (at most three), the last a probe.</summary>
    private (List<NewFace> Gallery, List<Face> Probes) LfwGallery(int people)
    {
        var chosen = Lfw.People().Where(p => Lfw.PhotosOf(p).Count >= 3).Take(people).ToList();
        var strangers = Lfw.People().Where(p => Lfw.PhotosOf(p).Count == 1).Take(8).ToList();
        var gallery = new List<NewFace>();
        var probes = new List<Face>();
        foreach (var person in chosen)
        {
            var photos = Lfw.PhotosOf(person);
            foreach (var photo in photos.Take(Math.Min(3, photos.Count - 1)))
                gallery.Add(new NewFace(person, fixture.SubjectOf(photo).Embedding, photo, Sha(photo)));
            probes.Add(fixture.SubjectOf(photos[^1]));
        }
        probes.AddRange(strangers.Select(s => fixture.SubjectOf(Lfw.PhotosOf(s)[0])));
        return (gallery, probes);
    }

    private static string Sha(string text) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text)));

    private async Task<string> GalleryFileAsync(IReadOnlyList<NewFace> faces)
    {
        var path = _temp.File($"gallery-{Guid.NewGuid():N}.db");
        using var gallery = await SqliteGallery.OpenAsync(path, Visage.Pipeline.GalleryBinding);
        await gallery.AddAsync(faces);
        return path;
    }

    private static PeopleOptions Options(int hnswFrom) =>
        new() { Index = FaceIndexOptions.Default with { HnswFromFaces = hnswFrom, Hnsw = HnswOptions.Default with { Threads = 1 } } };

    private static async Task<FaceMatcher> MatcherOfAsync(string path, FaceRecognizer visage)
    {
        using var gallery = await SqliteGallery.OpenAsync(path, visage.Pipeline.GalleryBinding, GalleryOpenMode.MustExist);
        return new FaceMatcher(await gallery.GetFacesAsync());
    }

    private static void AssertSameAnswers(FaceMatcher matcher, People people, IReadOnlyList<Face> probes, int? top = null)
    {
        var threshold = people.Threshold.Value;
        foreach (var probe in probes)
        {
            var expected = matcher.Identify(probe, threshold);
            var actual = people.Identify(probe);
            Assert.Equal(expected.Identity, actual.Identity);
            Assert.Equal(expected.Nearest, actual.Nearest);
            Assert.Equal(BitConverter.SingleToInt32Bits(expected.Distance), BitConverter.SingleToInt32Bits(actual.Distance));
            var wanted = top is { } n ? expected.Distances.Take(n).ToList() : expected.Distances;
            MatcherReference.AssertSame(wanted, top is { } m ? actual.Distances.Take(m).ToList() : actual.Distances);
        }
    }

    [Fact]
    public async Task Exact_answers_as_the_matcher_did_through_every_kind_of_write()
    {
        var (faces, probes) = LfwGallery(30);
        var path = await GalleryFileAsync(faces);
        using var people = await People.OpenAsync(Visage, path, Options(hnswFrom: 100_000));
        Assert.Equal("exact", people.Index.Kind);
        Assert.Equal(faces.Count, people.FaceCount);
        AssertSameAnswers(await MatcherOfAsync(path, Visage), people, probes);

        // An upload (detected and encoded by the recognizer), a deletion, a merge, a rename, one face erased.
        var names = faces.Select(f => f.Identity).Distinct().ToList();
        using (var photo = await Visage.ReadImageAsync(Lfw.PhotosOf(names[0])[^1]))
            Assert.Equal(EnrollmentStatus.Enrolled, (await people.AddPhotoAsync(names[0], photo)).Status);
        await people.DeleteAsync(names[1]);
        await people.MergeAsync(names[2], names[3]);
        await people.RenameAsync(names[4], "Someone Renamed");
        Assert.True(await people.DeleteFaceAsync(people.Faces(names[5])[0].Id));

        Assert.Equal(faces.Count + 1 - faces.Count(f => f.Identity == names[1]) - 1, people.FaceCount);
        Assert.Equal(names.Count - 2, people.PeopleCount);
        AssertSameAnswers(await MatcherOfAsync(path, Visage), people, probes);
    }

    [Fact]
    public async Task A_graph_finds_the_nearest_people_is_saved_beside_the_gallery_and_loaded_until_the_gallery_changes()
    {
        var (faces, probes) = LfwGallery(30);
        var path = await GalleryFileAsync(faces);
        var folder = People.IndexFolderOf(path);
        using (var people = await People.OpenAsync(Visage, path, Options(hnswFrom: 20)))
        {
            Assert.Equal("hnsw", people.Index.Kind);
            Assert.False(people.Index.Loaded);
            AssertSameAnswers(await MatcherOfAsync(path, Visage), people, probes, top: GalleryIndex.GraphCandidates);
            Assert.Equal(GalleryIndex.GraphCandidates, people.Identify(probes[0]).Distances.Count);
        }
        Assert.True(File.Exists(Path.Combine(folder, FaceIndexFile.FacesFile)));

        // Opened again: loaded, same answers.
        using (var people = await People.OpenAsync(Visage, path, Options(hnswFrom: 20) with { ReadOnly = true }))
        {
            Assert.True(people.Index.Loaded, people.Index.WhyBuilt);
            AssertSameAnswers(await MatcherOfAsync(path, Visage), people, probes, top: GalleryIndex.GraphCandidates);
        }

        // Another program adds a face: the saved graph is stale, so the next open builds it again, with the face.
        var stranger = probes[^1];
        using (var other = await SqliteGallery.OpenAsync(path, Visage.Pipeline.GalleryBinding, GalleryOpenMode.MustExistWritable))
            await other.AddAsync([new NewFace("Late Arrival", stranger.Embedding, "late.jpg", Sha("late"))]);
        using (var people = await People.OpenAsync(Visage, path, Options(hnswFrom: 20)))
        {
            Assert.False(people.Index.Loaded);
            Assert.Contains("stale", people.Index.WhyBuilt);
            Assert.Equal("Late Arrival", people.Identify(stranger).Identity);
            AssertSameAnswers(await MatcherOfAsync(path, Visage), people, probes, top: GalleryIndex.GraphCandidates);

            // Erasing someone erases the saved copy at once (its files held their encodings).
            await people.DeleteAsync("Late Arrival");
            Assert.False(Directory.Exists(folder));
            Assert.NotEqual("Late Arrival", people.Identify(stranger).Nearest);
        }
        // Saved again when closed, at the gallery's new stamp.
        using (var people = await People.OpenAsync(Visage, path, Options(hnswFrom: 20)))
            Assert.True(people.Index.Loaded, people.Index.WhyBuilt);

        // A damaged saved copy is rebuilt, not trusted.
        File.WriteAllBytes(Path.Combine(folder, FaceIndexFile.FacesFile), [1, 2, 3]);
        using (var people = await People.OpenAsync(Visage, path, Options(hnswFrom: 20)))
        {
            Assert.False(people.Index.Loaded);
            AssertSameAnswers(await MatcherOfAsync(path, Visage), people, probes, top: GalleryIndex.GraphCandidates);
        }
    }

    [Fact]
    public async Task An_exact_index_becomes_a_graph_when_enrolments_grow_it_and_sees_other_programs_writes_at_its_next_write()
    {
        var (faces, probes) = LfwGallery(30);
        var path = await GalleryFileAsync(faces.Take(10).ToList());
        using var people = await People.OpenAsync(Visage, path, Options(hnswFrom: 40));
        Assert.Equal("exact", people.Index.Kind);

        // Faces written by another program while this one is open...
        using (var other = await SqliteGallery.OpenAsync(path, Visage.Pipeline.GalleryBinding, GalleryOpenMode.MustExistWritable))
            await other.AddAsync(faces.Skip(10).Take(20).ToList());
        // ...are taken in at this program's next write (its index is read again), which also crosses 40 faces.
        using (var photo = await Visage.ReadImageAsync(Lfw.PhotosOf(faces[0].Identity)[^1]))
            await people.AddPhotoAsync(faces[0].Identity, photo);
        Assert.Equal(31, people.FaceCount);
        Assert.Equal("exact", people.Index.Kind);
        AssertSameAnswers(await MatcherOfAsync(path, Visage), people, probes);

        var enroll = _temp.File("enroll");
        Directory.CreateDirectory(enroll);
        foreach (var person in Lfw.People().Where(p => Lfw.PhotosOf(p).Count == 2).Take(12))
            File.Copy(Lfw.PhotosOf(person)[0], Path.Combine(enroll, person + ".jpg"));
        var report = await people.EnrollAsync([enroll]);
        Assert.Equal(31 + report.Enrolled, people.FaceCount);
        Assert.Equal("hnsw", people.Index.Kind);
        AssertSameAnswers(await MatcherOfAsync(path, Visage), people, probes, top: GalleryIndex.GraphCandidates);
    }
    [Theory]
    [InlineData(1_000)] // exact
    [InlineData(10)] // a graph
    public async Task Another_programs_deletions_and_enrolments_are_seen_at_the_next_identify(int hnswFrom)
    {
        var (faces, probes) = LfwGallery(30);
        var firstPeople = faces.Select(f => f.Identity).Distinct().Take(20).ToHashSet();
        var path = await GalleryFileAsync(faces.Where(f => firstPeople.Contains(f.Identity)).ToList());
        using var people = await People.OpenAsync(Visage, path, Options(hnswFrom));
        var kind = people.Index.Kind;
        Assert.Equal(hnswFrom == 10 ? "hnsw" : "exact", kind);
        var erased = faces[0].Identity;
        Assert.Equal(erased, people.Identify(probes[0]).Nearest);

        // Another program (say `visage people delete` and `visage enroll` while `visage serve` runs) writes the file.
        using (var other = await SqliteGallery.OpenAsync(path, Visage.Pipeline.GalleryBinding, GalleryOpenMode.MustExistWritable))
        {
            await other.DeletePersonAsync(erased);
            await other.AddAsync(faces.Where(f => !firstPeople.Contains(f.Identity)).ToList());
        }

        // This program's next identify answers from what the file holds now, without a write of its own.
        var after = people.Identify(probes[0]);
        Assert.DoesNotContain(after.Distances, d => d.Identity == erased);
        Assert.Equal(faces.Count(f => f.Identity != erased), people.FaceCount);
        Assert.Equal(kind, people.Index.Kind);
        AssertSameAnswers(await MatcherOfAsync(path, Visage), people, probes, top: hnswFrom == 10 ? GalleryIndex.GraphCandidates : null);
    }
}
