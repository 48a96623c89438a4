using OpenCvSharp;
using Visage.Models;
using Visage.Recognition;
using Visage.Storage;
using Visage.Tests.Cli;
using Visage.Tests.TestData;

namespace Visage.Tests.Video;

/// <summary>
/// The door-camera scenario, built once: two enrolled LFW people and a stranger (people whose photos show
/// exactly one face), each in view for 2 s of a 10 fps video with 0.5 s of empty wall between, and the first
/// person coming back at the end, 7.5 s after they first appeared. Enrolled from photo 1; the video shows
/// photo 2 of the enrolled people, so recognition works on a picture it has not seen.
/// </summary>
public sealed class WatchScenarioFixture : IAsyncLifetime
{
    public const double Fps = 10;
    public const int ShotFrames = 20;
    public const int GapFrames = 5;
    public const int ReturnFrame = 3 * (ShotFrames + GapFrames);
    public const int TotalFrames = 4 * ShotFrames + 3 * GapFrames;

    private readonly string _root = Path.Combine(Path.GetTempPath(), "visage-watch-" + Guid.NewGuid().ToString("N"));

    public string First { get; private set; } = "";
    public string Second { get; private set; } = "";
    public string Stranger { get; private set; } = "";

    /// <summary>The known people in the seed's layout, FOLDER/NAME.jpg.</summary>
    public string KnownFolder => Path.Combine(_root, "known");

    /// <summary>A gallery of the two enrolled people, so most runs need not enrol again.</summary>
    public string Db => Path.Combine(_root, "known.db");

    public string Video => Path.Combine(_root, "door.mp4");

    /// <summary>The same video in Motion JPEG (.avi): every frame stands alone, as a stream's do.</summary>
    public string AviVideo => Path.Combine(_root, "door.avi");

    /// <summary>
    /// For streams, looped: the first person for 2 s, wall, the stranger for 2 s, wall (5 s, Motion JPEG).
    /// </summary>
    public string ArrivalClip => Path.Combine(_root, "arrival.avi");

    /// <summary>For streams after an outage, looped: the first person again, wall, the second person, wall.</summary>
    public string ReturnClip => Path.Combine(_root, "return.avi");

    public string Root => _root;

    public async Task InitializeAsync()
    {
        var people = new SingleFacePeopleFixture();
        await people.InitializeAsync();
        (First, Second, Stranger) = (people.People[0], people.People[1], people.People[2]);

        Directory.CreateDirectory(KnownFolder);
        foreach (var person in new[] { First, Second })
            File.Copy(Lfw.PhotosOf(person)[0], Path.Combine(KnownFolder, person + ".jpg"));

        var wall = TestVideos.Plain(128);
        TestVideos.Shot[] door =
        [
            new(TestVideos.Photo(Lfw.PhotosOf(First)[1]), ShotFrames), new(wall, GapFrames),
            new(TestVideos.Photo(Lfw.PhotosOf(Second)[1]), ShotFrames), new(wall, GapFrames),
            new(TestVideos.Photo(Lfw.PhotosOf(Stranger)[0]), ShotFrames), new(wall, GapFrames),
            new(TestVideos.Photo(Lfw.PhotosOf(First)[1]), ShotFrames),
        ];
        TestVideos.Write(Video, Fps, new Size(250, 250), door);
        TestVideos.Write(AviVideo, Fps, new Size(250, 250), door);
        TestVideos.Write(ArrivalClip, Fps, new Size(250, 250), [door[0], door[1], door[4], door[5]]);
        TestVideos.Write(ReturnClip, Fps, new Size(250, 250), [door[0], door[1], door[2], door[3]]);

        using var pipeline = await FacePipeline.LoadAsync(ModelCatalog.Default, new ModelStore(VisageHome.FromEnvironment()));
        using var gallery = await SqliteGallery.OpenAsync(Db, pipeline.GalleryBinding, GalleryOpenMode.CreateIfMissing);
        await new Enroller(pipeline).EnrollAsync(gallery, EnrollmentSources.Find([KnownFolder]));
    }

    public Task DisposeAsync()
    {
        if (Directory.Exists(_root)) Directory.Delete(_root, recursive: true);
        return Task.CompletedTask;
    }
}
