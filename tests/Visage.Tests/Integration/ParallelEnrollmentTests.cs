using Visage.Recognition;
using Visage.Storage;
using Visage.Tests.TestData;

namespace Visage.Tests.Integration;

/// <summary>
/// Enrolling on several cores gives what enrolling one photo after the other gives: the same outcomes in the
/// same order, the same faces stored in the same order, batches and duplicates handled alike.
/// </summary>
[Collection(IntegrationCollection.Name)]
public sealed class ParallelEnrollmentTests(PipelineFixture fixture) : IDisposable
{
    private readonly TempFolder _temp = new();

    public void Dispose() => _temp.Dispose();

    /// <summary>Photos of three people with a copy of one under another name, a photo without a face,
    /// a broken file and a photo of two people.</summary>
    private List<EnrollmentSource> Sources()
    {
        var people = Lfw.PeopleWithTwoPhotos(3);
        var sources = people.SelectMany(p => Lfw.PhotosOf(p).Take(3).Select(photo => new EnrollmentSource(photo, p))).ToList();
        var copy = _temp.File("copy.jpg");
        File.Copy(sources[1].Path, copy);
        sources.Insert(5, new EnrollmentSource(copy, "Someone_Else"));
        sources.Insert(2, new EnrollmentSource(Composite.Grey(_temp.File("grey.jpg")), "Nobody"));
        sources.Insert(7, new EnrollmentSource(_temp.Write("broken.jpg", [0xFF, 0xD8, 0xFF, 0x00]), "Broken"));
        sources.Add(new EnrollmentSource(Composite.SideBySide(Lfw.PhotosOf(people[0])[0], Lfw.PhotosOf(people[1])[0],
            _temp.File("pair.jpg")), "Pair"));
        return sources;
    }

    private async Task<(EnrollmentReport Report, IReadOnlyList<GalleryFace> Faces)> EnrollAsync(
        IReadOnlyList<EnrollmentSource> sources, int workers, string name)
    {
        using var gallery = await SqliteGallery.OpenAsync(_temp.File(name), fixture.Pipeline.GalleryBinding);
        var enroller = new Enroller(fixture.Pipeline) { Workers = workers, BatchSize = 4 };
        var report = await enroller.EnrollAsync(gallery, sources);
        return (report, await gallery.GetFacesAsync());
    }

    [Fact]
    public async Task Outcomes_and_stored_faces_are_those_of_one_worker()
    {
        var sources = Sources();

        var (alone, aloneFaces) = await EnrollAsync(sources, 1, "alone.db");
        var (together, togetherFaces) = await EnrollAsync(sources, 3, "together.db");

        Assert.Equal(sources.Count, together.Outcomes.Count);
        Assert.Equal(alone.Outcomes.Select(o => (o.Source, o.Status, o.Message, o.FacesFound)),
            together.Outcomes.Select(o => (o.Source, o.Status, o.Message, o.FacesFound)));
        Assert.Contains(together.Outcomes, o => o.Status == EnrollmentStatus.AlreadyEnrolled);
        Assert.Contains(together.Outcomes, o => o.Status == EnrollmentStatus.NoFace);
        Assert.Contains(together.Outcomes, o => o.Status == EnrollmentStatus.SeveralFaces);
        Assert.Contains(together.Outcomes, o => o.Status == EnrollmentStatus.Failed);
        Assert.Equal(aloneFaces.Select(f => (f.Identity, f.SourcePath, f.ImageSha256)),
            togetherFaces.Select(f => (f.Identity, f.SourcePath, f.ImageSha256)));
        for (var i = 0; i < aloneFaces.Count; i++)
            Assert.Equal(aloneFaces[i].Embedding, togetherFaces[i].Embedding);
    }

    [Fact]
    public async Task Cancelling_keeps_the_photos_finished_in_order()
    {
        var sources = Sources();
        using var gallery = await SqliteGallery.OpenAsync(_temp.File("cancelled.db"), fixture.Pipeline.GalleryBinding);
        var enroller = new Enroller(fixture.Pipeline) { Workers = 3, BatchSize = 4 };
        using var stop = new CancellationTokenSource();

        var cancelled = await Assert.ThrowsAsync<EnrollmentCancelledException>(() => enroller.EnrollAsync(gallery, sources,
            progress: new Reported(p => { if (p.Done == 6) stop.Cancel(); }), ct: stop.Token));

        Assert.Equal(6, cancelled.Report.Outcomes.Count);
        Assert.Equal(sources.Take(6), cancelled.Report.Outcomes.Select(o => o.Source with { Identity = o.Source.Identity }));
        Assert.Equal(cancelled.Report.Enrolled, (await gallery.GetFacesAsync()).Count);
    }

    private sealed class Reported(Action<EnrollmentProgress> report) : IProgress<EnrollmentProgress>
    {
        public void Report(EnrollmentProgress value) => report(value);
    }
}
