using Visage.Tests.TestData;

namespace Visage.Tests.Cli;

/// <summary>visage calibrate on LFW people with several photos, and identify using what it stored.</summary>
[Collection(CliCollection.Name)]
public sealed class CalibrateCliTests : IDisposable
{
    private readonly TempFolder _temp = new();

    public void Dispose() => _temp.Dispose();

    private string PeopleFolder(int people, int photosEach)
    {
        var folder = Path.Combine(_temp.Path, $"people-{people}x{photosEach}");
        foreach (var person in Lfw.People().Where(p => Lfw.PhotosOf(p).Count >= photosEach).Take(people))
        {
            Directory.CreateDirectory(Path.Combine(folder, person));
            foreach (var photo in Lfw.PhotosOf(person).Take(photosEach))
                File.Copy(photo, Path.Combine(folder, person, Path.GetFileName(photo)));
        }
        return folder;
    }

    [Fact]
    public async Task Writes_its_plot_stores_a_threshold_and_identify_uses_it()
    {
        var folder = PeopleFolder(12, 3);
        var db = Path.Combine(_temp.Path, "family.db");
        var plot = Path.Combine(_temp.Path, "calibration.png");
        var enroll = await VisageCli.RunAsync("enroll", folder, "--db", db, "--largest");
        Assert.True(enroll.ExitCode == 0, enroll.ToString());

        var calibrate = await VisageCli.RunAsync("calibrate", "--known", folder, "--far", "0.01", "--db", db,
            "--plot", plot, "--json");

        Assert.True(calibrate.ExitCode == 0, calibrate.ToString());
        var json = calibrate.Json;
        Assert.Equal(36, json.GetProperty("samePairs").GetInt32());
        Assert.Equal(594, json.GetProperty("differentPairs").GetInt32());
        Assert.True(json.GetProperty("falseAcceptRate").GetDouble() <= 0.01);
        var threshold = json.GetProperty("threshold").GetProperty("value").GetSingle();
        Assert.Equal([0x89, 0x50, 0x4E, 0x47], File.ReadAllBytes(plot)[..4]);

        var probe = Lfw.PhotosOf(Directory.GetDirectories(folder).Select(Path.GetFileName).First()!)[^1];
        var identify = await VisageCli.RunAsync("identify", probe, "--db", db, "--json");
        Assert.True(identify.ExitCode == 0, identify.ToString());
        Assert.Equal(threshold, identify.Json.GetProperty("threshold").GetProperty("value").GetSingle());

        var overridden = await VisageCli.RunAsync("identify", probe, "--db", db, "--json", "--threshold", "0.9");
        Assert.Equal(0.9f, overridden.Json.GetProperty("threshold").GetProperty("value").GetSingle());
    }

    [Fact]
    public async Task Too_few_photos_are_refused_with_the_numbers_and_nothing_is_stored()
    {
        var folder = PeopleFolder(3, 2);
        var db = Path.Combine(_temp.Path, "small.db");

        var calibrate = await VisageCli.RunAsync("calibrate", "--known", folder, "--db", db);

        Assert.NotEqual(0, calibrate.ExitCode);
        Assert.Contains("too few photos for a meaningful estimate: 3 same-person pairs", calibrate.Err);
        Assert.Contains("12 different-person pairs", calibrate.Err);
        Assert.False(File.Exists(db));
    }

    [Fact]
    public async Task A_gallery_of_another_model_is_refused_before_any_work_and_left_intact()
    {
        var db = Path.Combine(_temp.Path, "other.db");
        using (await Visage.Storage.SqliteGallery.OpenAsync(db, new Visage.Storage.GalleryBinding("another-model", 128, null, null))) { }
        var before = File.ReadAllBytes(db);
        var plot = Path.Combine(_temp.Path, "never.png");

        var calibrate = await VisageCli.RunAsync("calibrate", "--known", PeopleFolder(12, 3), "--far", "0.01",
            "--db", db, "--plot", plot);

        Assert.NotEqual(0, calibrate.ExitCode);
        Assert.Contains("another-model", calibrate.Err);
        Assert.False(File.Exists(plot));
        Assert.Equal(before, File.ReadAllBytes(db));
    }
}
