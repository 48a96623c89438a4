using Visage.Imaging;
using Visage.Recognition;
using Visage.Storage;
using Visage.Tests.TestData;

namespace Visage.Tests.Integration;

/// <summary>Enrolling real photos into SQLite galleries: repeats, photos without a face, bad files, group photos.</summary>
[Collection(IntegrationCollection.Name)]
public sealed class EnrollmentIntegrationTests(PipelineFixture fixture) : IDisposable
{
    private readonly TempFolder _temp = new();

    public void Dispose() => _temp.Dispose();

    private FacePipeline Pipeline => fixture.Pipeline;

    private Enroller Enroller => new(Pipeline);

    [Fact]
    public async Task Enrolling_a_folder_again_finds_every_photo_already_enrolled()
    {
        var known = Lfw.CopyFirstPhotos(LfwGallery.People.Take(3), _temp.File("known"));
        var sources = EnrollmentSources.Find([known]);
        using var gallery = await OpenGalleryAsync();

        var first = await Enroller.EnrollAsync(gallery, sources, largest: true);
        var facesAfterFirst = await gallery.GetFacesAsync();
        var second = await Enroller.EnrollAsync(gallery, sources, largest: true);
        var facesAfterSecond = await gallery.GetFacesAsync();

        Assert.Equal(3, first.Enrolled);
        Assert.Equal(3, facesAfterFirst.Count);
        Assert.Equal(3, second.Outcomes.Count);
        Assert.All(second.Outcomes, o =>
        {
            Assert.Equal(EnrollmentStatus.AlreadyEnrolled, o.Status);
            Assert.Equal($"already enrolled as {o.Source.Identity}", o.Message);
        });
        Assert.Equal(facesAfterFirst.Select(f => f.Id), facesAfterSecond.Select(f => f.Id));
    }

    [Fact]
    public async Task A_photo_without_a_face_is_reported_and_nothing_is_stored()
    {
        var grey = Composite.Grey(_temp.File("Nobody.jpg"));
        using var gallery = await OpenGalleryAsync();

        var report = await Enroller.EnrollAsync(gallery, EnrollmentSources.Find([grey]));

        var outcome = Assert.Single(report.Outcomes);
        Assert.Equal(EnrollmentStatus.NoFace, outcome.Status);
        Assert.Contains("no face found", outcome.Message);
        Assert.Empty(await gallery.GetFacesAsync());
        using var image = ImageReader.Read(grey);
        Assert.Null(await gallery.FindImageAsync(image.Sha256));
    }

    [Fact]
    public async Task Bad_photos_are_reported_and_the_run_goes_on()
    {
        var folder = _temp.File("mixed");
        Directory.CreateDirectory(folder);
        // Ordinal order puts the bad photos first, so the good one is enrolled only if the run goes on.
        var corrupt = Path.Combine(folder, "0_corrupt.jpg");
        File.WriteAllText(corrupt, "this is not a JPEG, only text with a .jpg name\n");
        var grey = Composite.Grey(Path.Combine(folder, "1_grey.jpg"));
        var person = LfwGallery.People[0];
        var good = Lfw.CopyFirstPhotos([person], folder);
        using var gallery = await OpenGalleryAsync();

        var report = await Enroller.EnrollAsync(gallery, EnrollmentSources.Find([folder]));

        Assert.Collection(report.Outcomes,
            o =>
            {
                Assert.Equal(corrupt, o.Source.Path);
                Assert.Equal(EnrollmentStatus.Failed, o.Status);
                Assert.Contains("0_corrupt.jpg", o.Message);
            },
            o =>
            {
                Assert.Equal(grey, o.Source.Path);
                Assert.Equal(EnrollmentStatus.NoFace, o.Status);
            },
            o =>
            {
                Assert.Equal(person, o.Source.Identity);
                Assert.Equal(EnrollmentStatus.Enrolled, o.Status);
            });
        Assert.Equal((1, 1, 1), (report.Enrolled, report.Skipped, report.Failed));
        var stored = Assert.Single(await gallery.GetFacesAsync());
        Assert.Equal(person, stored.Identity);
        Assert.Equal(Path.Combine(good, person + ".jpg"), stored.SourcePath);
    }

    [Fact]
    public async Task A_photo_with_two_faces_is_refused_unless_the_largest_is_wanted()
    {
        var (left, right) = (LfwGallery.People[0], LfwGallery.People[1]);
        var pair = Composite.SideBySide(Lfw.PhotosOf(left)[1], Lfw.PhotosOf(right)[1], _temp.File("Pair.jpg"));
        var sources = EnrollmentSources.Find([pair]);
        using var gallery = await OpenGalleryAsync();

        var refused = await Enroller.EnrollAsync(gallery, sources);
        var facesAfterRefusal = await gallery.GetFacesAsync();
        var taken = await Enroller.EnrollAsync(gallery, sources, largest: true);

        var refusal = Assert.Single(refused.Outcomes);
        Assert.Equal(EnrollmentStatus.SeveralFaces, refusal.Status);
        Assert.Contains("2 faces found", refusal.Message);
        Assert.Empty(facesAfterRefusal);
        Assert.Equal(EnrollmentStatus.Enrolled, Assert.Single(taken.Outcomes).Status);
        var stored = Assert.Single(await gallery.GetFacesAsync());
        Assert.Equal("Pair", stored.Identity);

        using var image = ImageReader.Read(pair);
        var largest = FaceSelection.Largest(Pipeline.Analyze(image.Pixels));
        Assert.True(FaceDistance.Euclidean(largest.Embedding, stored.Embedding) < 1e-4f,
            "the stored encoding is not the largest face's");
    }

    [Fact]
    public async Task A_known_folder_is_enrolled_once_then_kept_in_step_with_the_folder()
    {
        var home = new VisageHome(_temp.File("home"));
        var known = Lfw.CopyFirstPhotos(LfwGallery.People.Take(2), _temp.File("known"));

        var (first, firstSync) = await KnownFolderGalleries.OpenAsync(home, known, Pipeline, Enroller);
        using (first)
        {
            Assert.NotNull(firstSync);
            Assert.Equal(2, firstSync.Enrollment.Enrolled);
            Assert.Equal(2, (await first.GetFacesAsync()).Count);
        }

        var (reused, reusedSync) = await KnownFolderGalleries.OpenAsync(home, known, Pipeline, Enroller);
        using (reused)
        {
            Assert.Null(reusedSync);
            Assert.Equal(2, (await reused.GetFacesAsync()).Count);
        }

        // The same folder written with a trailing separator, as shell completion writes it, is the same folder.
        var (slashed, slashedSync) = await KnownFolderGalleries.OpenAsync(home, known + Path.DirectorySeparatorChar,
            Pipeline, Enroller);
        using (slashed)
        {
            Assert.Null(slashedSync);
        }

        // Photo 1 of the fourth person: the third's photo 1 shows bystanders, which a known folder refuses.
        var added = LfwGallery.People[3];
        Lfw.CopyFirstPhotos([added], known);
        var (grown, grownSync) = await KnownFolderGalleries.OpenAsync(home, known, Pipeline, Enroller);
        using (grown)
        {
            Assert.NotNull(grownSync);
            Assert.Equal(1, grownSync.Enrollment.Enrolled);
            Assert.Equal(2, grownSync.Enrollment.AlreadyEnrolled);
            Assert.Contains(added, (await grown.GetFacesAsync()).Select(f => f.Identity));
        }

        // A photo taken out of the folder takes its face out of the gallery.
        var removed = LfwGallery.People[0];
        foreach (var photo in Directory.EnumerateFiles(known, $"{removed}.*")) File.Delete(photo);
        var (shrunk, shrunkSync) = await KnownFolderGalleries.OpenAsync(home, known, Pipeline, Enroller);
        using (shrunk)
        {
            Assert.NotNull(shrunkSync);
            Assert.Equal(1, shrunkSync.FacesRemoved);
            Assert.DoesNotContain(removed, (await shrunk.GetFacesAsync()).Select(f => f.Identity));
        }
        Assert.Single(Directory.GetFiles(home.GalleriesFolder, "*.db"));

        // Once the folder is gone, the next known folder opened erases its gallery: no copy of the faces outlives it.
        Directory.Delete(known, recursive: true);
        var other = Lfw.CopyFirstPhotos(LfwGallery.People.Skip(4).Take(1), _temp.File("other"));
        var (next, _) = await KnownFolderGalleries.OpenAsync(home, other, Pipeline, Enroller);
        next.Dispose();
        Assert.Equal([next.Location], Directory.GetFiles(home.GalleriesFolder, "*.db"));
    }

    private Task<SqliteGallery> OpenGalleryAsync() =>
        SqliteGallery.OpenAsync(_temp.File("gallery.db"), Pipeline.GalleryBinding);
}
