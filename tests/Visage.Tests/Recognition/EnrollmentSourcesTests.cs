using Visage.Recognition;
using Visage.Tests.TestData;

namespace Visage.Tests.Recognition;

public sealed class EnrollmentSourcesTests : IDisposable
{
    private readonly TempFolder _temp = new();

    public void Dispose() => _temp.Dispose();

    /// <summary>An empty placeholder file at a path relative to the temp folder: only listing is tested.</summary>
    private string Touch(string relative)
    {
        var path = Path.Combine(_temp.Path, relative);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllBytes(path, []);
        return path;
    }

    private string Folder(string relative)
    {
        var path = Path.Combine(_temp.Path, relative);
        Directory.CreateDirectory(path);
        return path;
    }

    private static (string Path, string Identity)[] Listed(IReadOnlyList<EnrollmentSource> sources) =>
        sources.Select(s => (s.Path, s.Identity)).ToArray();

    [Fact]
    public void Seed_layout_names_each_photo_after_its_file()
    {
        var known = Folder("known");
        var alice = Touch("known/alice.jpg");
        var bob = Touch("known/bob.png");
        var jeanPaul = Touch("known/Jean.Paul.jpeg");
        Touch("known/notes.txt");

        var sources = EnrollmentSources.Find([known]);

        Assert.Equal([(jeanPaul, "Jean.Paul"), (alice, "alice"), (bob, "bob")], Listed(sources));
    }

    [Fact]
    public void Per_person_layout_names_each_photo_after_its_folder()
    {
        var known = Folder("known");
        var carol1 = Touch("known/carol/1.jpg");
        var carol2 = Touch("known/carol/2.jpeg");
        Touch("known/carol/readme.md");
        var dave = Touch("known/dave/holiday.webp");
        var daveNested = Touch("known/dave/2019/beach.bmp");
        Folder("known/erin");

        var sources = EnrollmentSources.Find([known]);

        Assert.Equal(4, sources.Count);
        Assert.Equal([(carol1, "carol"), (carol2, "carol")], Listed(sources).Take(2));
        Assert.Equal(new HashSet<(string, string)> { (dave, "dave"), (daveNested, "dave") }, Listed(sources).Skip(2).ToHashSet());
    }

    [Fact]
    public void Both_layouts_mix_in_one_folder()
    {
        var known = Folder("known");
        var alice = Touch("known/alice.jpg");
        var bobA = Touch("known/bob/a.jpg");
        var bobB = Touch("known/bob/b.png");
        var zoe = Touch("known/zoe.webp");

        var sources = EnrollmentSources.Find([known]);

        Assert.Equal([(alice, "alice"), (zoe, "zoe"), (bobA, "bob"), (bobB, "bob")], Listed(sources));
    }

    [Fact]
    public void Non_image_files_are_ignored_and_extensions_are_case_insensitive()
    {
        var known = Folder("known");
        var upper = Touch("known/ANN.JPG");
        var mixed = Touch("known/Ben.Png");
        var webp = Touch("known/cy.WebP");
        var bmp = Touch("known/dee.BMP");
        var jpeg = Touch("known/eve.JpEg");
        Touch("known/fay.gif");
        Touch("known/gus.jpg.txt");
        Touch("known/hal");
        Touch("known/ivy.tiff");
        Touch("known/jo/notes.txt");

        var sources = EnrollmentSources.Find([known]);

        Assert.Equal(
            new[] { (upper, "ANN"), (mixed, "Ben"), (webp, "cy"), (bmp, "dee"), (jpeg, "eve") }.ToHashSet(),
            Listed(sources).ToHashSet());
        Assert.Equal(5, sources.Count);
    }

    [Theory]
    [InlineData("a.jpg", true)]
    [InlineData("a.JPEG", true)]
    [InlineData("dir/a.Png", true)]
    [InlineData("a.bmp", true)]
    [InlineData("a.webp", true)]
    [InlineData("a.gif", false)]
    [InlineData("a.jpg.bak", false)]
    [InlineData("jpg", false)]
    [InlineData("a.", false)]
    public void IsImageFile_goes_by_extension(string path, bool expected)
    {
        Assert.Equal(expected, EnrollmentSources.IsImageFile(path));
    }

    [Fact]
    public void Name_overrides_every_identity()
    {
        var known = Folder("known");
        var alice = Touch("known/alice.jpg");
        var bob = Touch("known/bob/1.jpg");
        var single = Touch("elsewhere/carol.png");

        var sources = EnrollmentSources.Find([known, single], "Zoe Smith");

        Assert.Equal([(alice, "Zoe Smith"), (bob, "Zoe Smith"), (single, "Zoe Smith")], Listed(sources));
    }

    [Fact]
    public void Single_photo_is_named_after_its_file()
    {
        var photo = Touch("photos/Grace_Hopper.jpg");

        var source = Assert.Single(EnrollmentSources.Find([photo]));

        Assert.Equal(photo, source.Path);
        Assert.Equal("Grace_Hopper", source.Identity);
    }

    [Fact]
    public void Paths_are_listed_in_the_order_given()
    {
        var second = Touch("b/zed.jpg");
        var first = Touch("a/amy.jpg");
        var folder = Folder("c");
        var inFolder = Touch("c/max.jpg");

        var sources = EnrollmentSources.Find([second, folder, first]);

        Assert.Equal([(second, "zed"), (inFolder, "max"), (first, "amy")], Listed(sources));
    }

    [Fact]
    public void Empty_folder_gives_no_sources()
    {
        Assert.Empty(EnrollmentSources.Find([Folder("empty")]));
    }

    [Fact]
    public void Missing_path_names_it()
    {
        var existing = Touch("ok.jpg");
        var missing = _temp.File("not-here");

        var error = Assert.Throws<VisageException>(() => EnrollmentSources.Find([existing, missing]));

        Assert.Equal($"{missing}: no such file or folder", error.Message);
    }

    [Theory]
    [InlineData("")]
    [InlineData(" ")]
    [InlineData("\t\n")]
    public void Empty_name_is_refused(string name)
    {
        var photo = Touch("ok.jpg");

        var error = Assert.Throws<InvalidSettingException>(() => EnrollmentSources.Find([photo], name));

        Assert.Equal(VisageSetting.PersonName, error.Setting);
        Assert.True(error.Message.Contains("empty") || error.Message.Contains("blank") || error.Message.Contains("control"),
            error.Message);
    }
}
