using Visage.Tests.Cli;
using Visage.Tests.TestData;

namespace Visage.Tests.Seed;

/// <summary>The seed's options on the visage command, with generated weights in the seed's format.</summary>
[Collection(SeedWeightsCollection.Name)]
public sealed class SeedCliTests(SeedRandomWeightsFixture random) : IDisposable
{
    private readonly TempFolder _temp = new();

    public void Dispose() => _temp.Dispose();

    [Fact]
    public async Task Embed_whole_image_prints_the_128_numbers_of_the_network()
    {
        var photo = Lfw.PhotosOf(Lfw.PeopleWithTwoPhotos(1)[0])[0];

        var result = await VisageCli.RunAsync("embed", photo, "--model", $"seed:{random.Folder}", "--whole-image", "--json");

        Assert.True(result.ExitCode == 0, result.ToString());
        var face = Assert.Single(result.Json.GetProperty("faces").EnumerateArray());
        var numbers = face.GetProperty("embedding").EnumerateArray().Select(e => e.GetSingle()).ToArray();
        Assert.Equal(128, numbers.Length);
        var expected = random.Network.Forward(SeedReferenceNetwork.Preprocess(photo)).Encoding;
        Assert.All(numbers.Select((v, i) => Math.Abs(v - expected[i])), d => Assert.True(d <= 1e-5, $"difference {d}"));
    }

    [Fact]
    public async Task A_broken_weights_folder_is_an_error_naming_the_file()
    {
        foreach (var file in Directory.EnumerateFiles(random.Folder).Where(f => !f.EndsWith("conv3_w.csv")))
            File.CreateSymbolicLink(Path.Combine(_temp.Path, Path.GetFileName(file)), file);
        var photo = Lfw.PhotosOf(Lfw.PeopleWithTwoPhotos(1)[0])[0];

        var result = await VisageCli.RunAsync("embed", photo, "--model", $"seed:{_temp.Path}", "--whole-image");

        Assert.NotEqual(0, result.ExitCode);
        Assert.Contains("conv3_w.csv", result.Err);
    }

    [Fact]
    public async Task Identify_with_the_seed_network_and_the_haar_detector_runs_end_to_end()
    {
        var known = Path.Combine(_temp.Path, "images");
        Directory.CreateDirectory(known);
        var people = Lfw.PeopleWithTwoPhotos(2);
        foreach (var person in people)
            File.Copy(Lfw.PhotosOf(person)[0], Path.Combine(known, person + ".jpg"));

        var result = await VisageCli.RunAsync("identify", Lfw.PhotosOf(people[0])[1], "--known", known,
            "--model", $"seed:{random.Folder}", "--detector", "haar", "--verbose");

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Contains("threshold 0.52", result.Out);
        Assert.Contains("distance for ", result.Out);
    }
}
