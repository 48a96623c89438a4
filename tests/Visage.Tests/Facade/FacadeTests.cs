using OpenCvSharp;
using Visage.Recognition;
using Visage.Tests.Cli;
using Visage.Tests.TestData;

namespace Visage.Tests.Facade;

/// <summary>One recognizer for the facade tests (loading it fetches the default pack on first use).</summary>
public sealed class RecognizerFixture : LoadedRecognizerFixture;

/// <summary>
/// The library as a .NET developer uses it: FaceRecognizer and People, the threshold order applied inside,
/// and the same answers as the visage command.
/// </summary>
[Collection(CliCollection.Name)]
public sealed class FacadeTests(RecognizerFixture fixture, SingleFacePeopleFixture single)
    : IClassFixture<RecognizerFixture>, IClassFixture<SingleFacePeopleFixture>, IDisposable
{
    private readonly TempFolder _temp = new();
    private readonly string[] _people = single.People.ToArray();
    private FaceRecognizer Visage => fixture.Recognizer;

    public void Dispose() => _temp.Dispose();

    private string Known()
    {
        var folder = _temp.File("known");
        Directory.CreateDirectory(folder);
        foreach (var person in _people)
            File.Copy(Lfw.PhotosOf(person)[0], Path.Combine(folder, person + ".jpg"), overwrite: true);
        return folder;
    }

    [Fact]
    public async Task The_command_and_the_library_give_identical_answers_on_lfw_photos()
    {
        var db = _temp.File("gallery.db");
        var enroll = await VisageCli.RunAsync("enroll", Known(), "--db", db);
        Assert.True(enroll.ExitCode == 0, enroll.ToString());
        using var people = await People.OpenAsync(Visage, db, new PeopleOptions { ReadOnly = true });

        var probes = _people.Select(p => Lfw.PhotosOf(p)[1]).Append(Lfw.PhotosOf(Lfw.People()[7])[0]).ToList();
        foreach (var probe in probes)
        {
            var cli = await VisageCli.RunAsync("identify", probe, "--db", db, "--json");
            Assert.True(cli.ExitCode == 0, cli.ToString());
            using var photo = await Visage.ReadImageAsync(probe);
            var library = people.Identify(photo);

            var faces = cli.Json.GetProperty("faces").EnumerateArray().ToList();
            Assert.Equal(library.Count, faces.Count);
            for (var i = 0; i < faces.Count; i++)
            {
                var person = faces[i].GetProperty("person");
                Assert.Equal(library[i].Identity, person.ValueKind == System.Text.Json.JsonValueKind.Null ? null : person.GetString());
                // JSON gives distances rounded to 4 places: the same rounding, not a looser comparison that a
                // distance ending in 5 at the fourth place would fail.
                Assert.Equal(MathF.Round(library[i].Distance, 4), faces[i].GetProperty("distance").GetSingle());
                Assert.Equal(library[i].Face.Box.X, faces[i].GetProperty("box").GetProperty("x").GetSingle(), 0);
            }
            Assert.Equal(people.Threshold.Value, cli.Json.GetProperty("threshold").GetProperty("value").GetSingle());
        }
    }

    [Fact]
    public async Task The_threshold_is_the_explicit_one_else_the_calibrated_one_else_the_models()
    {
        var db = _temp.File("gallery.db");
        using (var people = await People.OpenAsync(Visage, db, new PeopleOptions { CreateIfMissing = true }))
        {
            await people.EnrollAsync([Known()]);
            Assert.Equal(new DecisionThreshold(Visage.ModelThreshold, ThresholdSource.Model), people.Threshold);
            await people.SetThresholdAsync(0.05f, "stricter than any match");
            Assert.Equal((0.05f, ThresholdSource.Calibrated), (people.Threshold.Value, people.Threshold.Source));
        }

        using var calibrated = await People.OpenAsync(Visage, db, new PeopleOptions { ReadOnly = true });
        using var given = await People.OpenAsync(Visage, db, new PeopleOptions { ReadOnly = true, Threshold = 2f });
        Assert.Equal(ThresholdSource.Calibrated, calibrated.Threshold.Source);
        Assert.Equal((2f, ThresholdSource.Explicit), (given.Threshold.Value, given.Threshold.Source));

        using var photo = await Visage.ReadImageAsync(Lfw.PhotosOf(_people[0])[1]);
        Assert.False(calibrated.Identify(photo).Single().IsKnown);
        Assert.Equal(_people[0], given.Identify(photo).Single().Identity);

        var cli = await VisageCli.RunAsync("identify", Lfw.PhotosOf(_people[0])[1], "--db", db, "--json");
        Assert.Equal("calibrated", cli.Json.GetProperty("threshold").GetProperty("source").GetString());
        Assert.False(cli.Json.GetProperty("faces")[0].GetProperty("known").GetBoolean());
    }

    [Fact]
    public async Task Verify_compares_the_largest_faces_and_says_how_many_there_were()
    {
        var a = Lfw.PhotosOf(_people[0])[0];
        var b = Lfw.PhotosOf(_people[0])[1];

        var same = await Visage.VerifyAsync(a, b);
        var strict = await Visage.VerifyAsync(a, b, threshold: 0.01f);

        Assert.True(same.SamePerson);
        Assert.Equal((1, 1), (same.First.FacesFound, same.Second.FacesFound));
        Assert.Equal(ThresholdSource.Model, same.Threshold.Source);
        Assert.False(strict.SamePerson);
        Assert.Equal(same.Distance, FaceRecognizer.Distance(same.First.Face, same.Second.Face));
        await Assert.ThrowsAsync<InvalidSettingException>(() => Visage.VerifyAsync(a, b, threshold: -1));
    }

    [Fact]
    public async Task Adding_one_photo_refuses_no_face_and_several_faces_with_their_boxes()
    {
        var db = _temp.File("gallery.db");
        using var people = await People.OpenAsync(Visage, db, new PeopleOptions { CreateIfMissing = true });
        using var wall = Visage.DecodeImage(new Mat(200, 200, MatType.CV_8UC3, Scalar.All(128)).ImEncode(".png"), "wall.png");
        using var left = Cv2.ImRead(Lfw.PhotosOf(_people[0])[0]);
        using var right = Cv2.ImRead(Lfw.PhotosOf(_people[1])[0]);
        using var pair = new Mat();
        Cv2.HConcat([left, right], pair);
        using var group = Visage.DecodeImage(pair.ImEncode(".png"), "group.png");

        var none = await Assert.ThrowsAsync<FaceCountException>(() => people.AddPhotoAsync("Ada", wall));
        var two = await Assert.ThrowsAsync<FaceCountException>(() => people.AddPhotoAsync("Ada", group));

        Assert.True(none.NoFace);
        Assert.Equal(2, two.Boxes.Count);
        Assert.Equal(0, people.FaceCount);
        var taken = await people.AddPhotoAsync("Ada", group, largest: true);
        Assert.Equal(EnrollmentStatus.Enrolled, taken.Status);
        Assert.NotNull(await people.GetFaceCropAsync(taken.FaceId!.Value));
        var again = await people.AddPhotoAsync("Bob", group, largest: true);
        Assert.Equal(EnrollmentStatus.AlreadyEnrolled, again.Status);
        Assert.Equal(1, people.FaceCount);
    }

    [Fact]
    public async Task A_cancelled_enrolment_keeps_what_it_finished_and_the_next_one_resumes()
    {
        var db = _temp.File("gallery.db");
        var photos = Lfw.People().SelectMany(Lfw.PhotosOf).Take(12).ToList();
        var sources = photos.Select(p => new EnrollmentSource(p, Path.GetFileName(Path.GetDirectoryName(p))!)).ToList();
        using var people = await People.OpenAsync(Visage, db, new PeopleOptions { CreateIfMissing = true });
        using var stop = new CancellationTokenSource();
        var options = new EnrollOptions { Largest = true, BatchSize = 4 };

        var cancelled = await Assert.ThrowsAsync<EnrollmentCancelledException>(() => people.EnrollAsync(sources, options,
            new SynchronousProgress<EnrollmentProgress>(p => { if (p.Done == 6) stop.Cancel(); }), stop.Token));

        Assert.Equal(6, cancelled.Report.Outcomes.Count);
        Assert.True(cancelled.Report.Cancelled);
        var kept = cancelled.Report.Enrolled;
        GalleryFile.AssertIntact(db, faces: kept, people: cancelled.Report.People);
        Assert.Equal(kept, people.FaceCount);

        var resumed = await people.EnrollAsync(sources, options);
        Assert.Equal(kept, resumed.AlreadyEnrolled);
        Assert.Equal(kept + resumed.Enrolled, people.FaceCount);
    }

    [Fact]
    public async Task People_of_a_folder_cannot_be_renamed_or_deleted_but_may_keep_a_threshold()
    {
        using var people = await People.OpenAsync(Visage, Known());

        Assert.NotNull(people.FolderSync);
        Assert.Equal(_people.Length, people.PeopleCount);
        var error = await Assert.ThrowsAsync<VisageException>(() => people.DeleteAsync(_people[0]));
        Assert.Contains("change the photos in the folder", error.Message);
        await people.SetThresholdAsync(0.3f);
        Assert.Equal(ThresholdSource.Calibrated, people.Threshold.Source);
    }

    /// <summary>Progress that reports on the caller's thread, so the test can cancel at an exact photo.</summary>
    private sealed class SynchronousProgress<T>(Action<T> report) : IProgress<T>
    {
        public void Report(T value) => report(value);
    }
}
