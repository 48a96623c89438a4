using OpenCvSharp;
using Visage.Models;
using Visage.Storage;
using Visage.Tests.TestData;

namespace Visage.Tests.Cli;

/// <summary>The visage command as a user runs it: exit codes, one-line errors, JSON output, the gallery on disk.</summary>
[Collection(CliCollection.Name)]
public sealed class CliTests(SingleFacePeopleFixture fixture) : IClassFixture<SingleFacePeopleFixture>, IDisposable
{
    private readonly TempFolder _temp = new();
    private readonly string[] _people = fixture.People.ToArray();

    public void Dispose() => _temp.Dispose();

    private string Db => Path.Combine(_temp.Path, "gallery.db");

    private string SeedFolder()
    {
        var folder = Path.Combine(_temp.Path, "known");
        Directory.CreateDirectory(folder);
        foreach (var person in _people)
            File.Copy(Lfw.PhotosOf(person)[0], Path.Combine(folder, person + ".jpg"), overwrite: true);
        return folder;
    }

    private static void AssertOneLineError(VisageCli.Result result, string mustMention)
    {
        Assert.True(result.ExitCode != 0, result.ToString());
        var errorLines = result.Err.Split('\n', StringSplitOptions.RemoveEmptyEntries)
            .Where(l => l.StartsWith("visage: error:", StringComparison.Ordinal)).ToList();
        Assert.Single(errorLines);
        Assert.Contains(mustMention, errorLines[0]);
    }

    [Fact]
    public async Task Enroll_seed_layout_names_each_person_after_the_file()
    {
        var result = await VisageCli.RunAsync("enroll", SeedFolder(), "--db", Db, "--json");

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Equal(_people.Length, result.Json.GetProperty("enrolled").GetInt32());
        var identities = result.Json.GetProperty("photos").EnumerateArray()
            .Select(p => p.GetProperty("person").GetString()).Order().ToArray();
        Assert.Equal(_people.Order().ToArray(), identities);
    }

    [Fact]
    public async Task Enroll_per_person_layout_and_identify_with_verbose_distances()
    {
        var folder = Path.Combine(_temp.Path, "people");
        foreach (var person in _people.Take(2))
        {
            Directory.CreateDirectory(Path.Combine(folder, person));
            foreach (var photo in Lfw.PhotosOf(person).Take(1))
                File.Copy(photo, Path.Combine(folder, person, Path.GetFileName(photo)));
        }
        var enroll = await VisageCli.RunAsync("enroll", folder, "--db", Db);
        Assert.True(enroll.ExitCode == 0, enroll.ToString());

        var probe = Lfw.PhotosOf(_people[0])[1];
        var identify = await VisageCli.RunAsync("identify", probe, "--db", Db, "--verbose");

        Assert.True(identify.ExitCode == 0, identify.ToString());
        Assert.Contains($": {_people[0]} (distance", identify.Out);
        Assert.Contains($"distance for {_people[0]} is ", identify.Out);
        Assert.Contains($"distance for {_people[1]} is ", identify.Out);
    }

    [Fact]
    public async Task Enrolling_the_same_photos_twice_adds_nothing()
    {
        var folder = SeedFolder();
        await VisageCli.RunAsync("enroll", folder, "--db", Db);
        var before = File.ReadAllBytes(Db);

        var again = await VisageCli.RunAsync("enroll", folder, "--db", Db, "--json");

        Assert.True(again.ExitCode == 0, again.ToString());
        Assert.Equal(0, again.Json.GetProperty("enrolled").GetInt32());
        Assert.Equal(_people.Length, again.Json.GetProperty("alreadyEnrolled").GetInt32());
        Assert.Equal(before, File.ReadAllBytes(Db));
    }

    [Fact]
    public async Task Identify_with_a_known_folder_names_both_people_in_a_group_photo()
    {
        var known = SeedFolder();
        using var left = Cv2.ImRead(Lfw.PhotosOf(_people[0])[1]);
        using var right = Cv2.ImRead(Lfw.PhotosOf(_people[1])[1]);
        using var group = new Mat();
        Cv2.HConcat([left, right], group);
        var groupPath = Path.Combine(_temp.Path, "group.png");
        Cv2.ImWrite(groupPath, group);

        var result = await VisageCli.RunAsync("identify", groupPath, "--known", known, "--json");

        Assert.True(result.ExitCode == 0, result.ToString());
        var names = result.Json.GetProperty("faces").EnumerateArray()
            .Where(f => f.GetProperty("known").GetBoolean())
            .Select(f => f.GetProperty("person").GetString()!).ToArray();
        Assert.Equal([_people[0], _people[1]], names);
    }

    [Fact]
    public async Task Verify_says_same_for_one_person_and_different_for_two()
    {
        var same = await VisageCli.RunAsync("verify", Lfw.PhotosOf(_people[0])[0], Lfw.PhotosOf(_people[0])[1], "--json");
        var different = await VisageCli.RunAsync("verify", Lfw.PhotosOf(_people[0])[0], Lfw.PhotosOf(_people[1])[0], "--json");

        Assert.True(same.Json.GetProperty("samePerson").GetBoolean(), same.ToString());
        Assert.False(different.Json.GetProperty("samePerson").GetBoolean(), different.ToString());
        Assert.True(same.Json.GetProperty("distance").GetSingle() < different.Json.GetProperty("distance").GetSingle());
    }

    [Fact]
    public async Task Embed_prints_a_unit_length_encoding_per_face()
    {
        var result = await VisageCli.RunAsync("embed", Lfw.PhotosOf(_people[0])[0]);

        Assert.True(result.ExitCode == 0, result.ToString());
        var face = Assert.Single(result.Json.GetProperty("faces").EnumerateArray());
        var numbers = face.GetProperty("embedding").EnumerateArray().Select(e => e.GetSingle()).ToArray();
        Assert.Equal(ModelCatalog.Default.Dimensions, numbers.Length);
        Assert.Equal(1.0, Math.Sqrt(numbers.Sum(x => (double)x * x)), 4);
    }

    [Fact]
    public async Task Bad_photos_give_one_line_errors_naming_them_and_leave_the_gallery_unchanged()
    {
        await VisageCli.RunAsync("enroll", SeedFolder(), "--db", Db);
        var before = File.ReadAllBytes(Db);

        var notImage = Path.Combine(_temp.Path, "notes.jpg");
        File.WriteAllText(notImage, "this is not a photo");
        var empty = Path.Combine(_temp.Path, "empty.jpg");
        File.WriteAllBytes(empty, []);
        var truncated = Path.Combine(_temp.Path, "truncated.jpg");
        var jpeg = File.ReadAllBytes(Lfw.PhotosOf(_people[0])[1]);
        File.WriteAllBytes(truncated, jpeg[..(jpeg.Length / 2)]);
        var missing = Path.Combine(_temp.Path, "missing.jpg");

        foreach (var bad in new[] { notImage, empty, truncated, missing })
        {
            AssertOneLineError(await VisageCli.RunAsync("identify", bad, "--db", Db), Path.GetFileName(bad));
            var enroll = await VisageCli.RunAsync("enroll", bad, "--db", Db, "--name", "Intruder");
            Assert.True(enroll.ExitCode != 0, enroll.ToString());
            Assert.Contains(Path.GetFileName(bad), enroll.Err);
        }
        AssertOneLineError(
            await VisageCli.RunAsync("identify", Lfw.PhotosOf(_people[0])[1], "--db", Db, "--max-megapixels", "0.01"),
            Path.GetFileName(Lfw.PhotosOf(_people[0])[1]));

        Assert.Equal(before, File.ReadAllBytes(Db));
    }

    [Fact]
    public async Task A_folder_with_bad_files_enrolls_the_good_ones_and_reports_the_rest()
    {
        var folder = SeedFolder();
        File.WriteAllText(Path.Combine(folder, "Broken.jpg"), "not a jpeg");
        Cv2.ImWrite(Path.Combine(folder, "Wall.png"), new Mat(300, 300, MatType.CV_8UC3, new Scalar(128, 128, 128)));

        var result = await VisageCli.RunAsync("enroll", folder, "--db", Db, "--json");

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Equal(_people.Length, result.Json.GetProperty("enrolled").GetInt32());
        Assert.Equal(1, result.Json.GetProperty("failed").GetInt32());
        Assert.Equal(1, result.Json.GetProperty("skipped").GetInt32());
        Assert.Contains("Broken.jpg", result.Err);
        Assert.Contains("Wall.png: no face found", result.Err);
    }

    [Fact]
    public async Task A_gallery_of_another_model_is_refused_and_left_intact()
    {
        using (await SqliteGallery.OpenAsync(Db, new GalleryBinding("another-model", 128, null, null))) { }
        var before = File.ReadAllBytes(Db);

        AssertOneLineError(await VisageCli.RunAsync("enroll", SeedFolder(), "--db", Db), "another-model");
        AssertOneLineError(await VisageCli.RunAsync("identify", Lfw.PhotosOf(_people[0])[1], "--db", Db), "gallery.db");

        Assert.Equal(before, File.ReadAllBytes(Db));
    }

    [Fact]
    public async Task Missing_gallery_and_bad_options_are_errors_and_create_nothing()
    {
        var photo = Lfw.PhotosOf(_people[0])[1];

        AssertOneLineError(await VisageCli.RunAsync("identify", photo, "--db", Db), "gallery.db");
        Assert.False(File.Exists(Db));
        AssertOneLineError(await VisageCli.RunAsync("identify", photo, "--known", Path.Combine(_temp.Path, "nobody")), "nobody");
        AssertOneLineError(await VisageCli.RunAsync("verify", photo, photo, "--threshold", "-1"), "--threshold");
        AssertOneLineError(await VisageCli.RunAsync("models", "fetch", "no-such-pack"), "no-such-pack");
    }
}

[CollectionDefinition(Name)]
public sealed class CliCollection
{
    public const string Name = "CLI: processes that load the models";
}
