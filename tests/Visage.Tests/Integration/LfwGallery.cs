using Visage.Recognition;
using Visage.Storage;
using Visage.Tests.TestData;

namespace Visage.Tests.Integration;

/// <summary>Known LFW people enrolled the way a user would: a folder of NAME.jpg, enrolled into a new gallery.</summary>
internal static class LfwGallery
{
    /// <summary>The people every gallery of these tests knows: the first 20 (ordinal order) with two photos or more.</summary>
    public static IReadOnlyList<string> People { get; } = Lfw.PeopleWithTwoPhotos(20);

    /// <summary>Enrols photo 1 of each of <see cref="People"/> into a new gallery in the folder; returns its faces.</summary>
    public static async Task<IReadOnlyList<GalleryFace>> EnrolFirstPhotosAsync(FacePipeline pipeline, string folder)
    {
        var known = Lfw.CopyFirstPhotos(People, Path.Combine(folder, "known"));
        using var gallery = await SqliteGallery.OpenAsync(Path.Combine(folder, "gallery.db"), pipeline.GalleryBinding);

        // Some LFW photos show bystanders at the edges; the subject is the biggest face.
        var report = await new Enroller(pipeline).EnrollAsync(gallery, EnrollmentSources.Find([known]), largest: true);

        Assert.Equal(People.Count, report.Enrolled);
        var faces = await gallery.GetFacesAsync();
        Assert.Equal(People, faces.Select(f => f.Identity).Order(StringComparer.Ordinal));
        return faces;
    }
}
