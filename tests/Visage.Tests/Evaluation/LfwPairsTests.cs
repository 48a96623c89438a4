using Visage.Evaluation;
using Visage.Recognition;
using Visage.Tests.TestData;

namespace Visage.Tests.Evaluation;

public sealed class LfwPairsTests : IDisposable
{
    private readonly TempFolder _temp = new();

    public void Dispose() => _temp.Dispose();

    private string WritePairs(string text) => _temp.Write("pairs.txt", System.Text.Encoding.UTF8.GetBytes(text));

    [Fact]
    public void Same_and_different_lines_become_image_paths_and_labels()
    {
        var pairsFile = WritePairs(
            "2\t2\n" +
            "Abel_Pacheco\t1\t4\n" +
            "Akhmed_Zakayev\t10\t123\n" +
            "Abdel_Madi_Shabneh\t1\tDean_Barker\t1\n" +
            "Abdullah\t2\tGiancarlo_Fisichella\t1234\n");
        var images = Path.Combine(_temp.Path, "lfw");

        var pairs = LfwPairs.Read(pairsFile, images);

        Assert.Equal(
        [
            new ImagePair(Path.Combine(images, "Abel_Pacheco", "Abel_Pacheco_0001.jpg"),
                Path.Combine(images, "Abel_Pacheco", "Abel_Pacheco_0004.jpg"), true),
            new ImagePair(Path.Combine(images, "Akhmed_Zakayev", "Akhmed_Zakayev_0010.jpg"),
                Path.Combine(images, "Akhmed_Zakayev", "Akhmed_Zakayev_0123.jpg"), true),
            new ImagePair(Path.Combine(images, "Abdel_Madi_Shabneh", "Abdel_Madi_Shabneh_0001.jpg"),
                Path.Combine(images, "Dean_Barker", "Dean_Barker_0001.jpg"), false),
            new ImagePair(Path.Combine(images, "Abdullah", "Abdullah_0002.jpg"),
                Path.Combine(images, "Giancarlo_Fisichella", "Giancarlo_Fisichella_1234.jpg"), false),
        ], pairs);
    }

    [Fact]
    public void Header_is_skipped_whatever_it_holds()
    {
        // The header of pairsDevTrain.txt is a single count, which would not parse as a pair.
        var pairs = LfwPairs.Read(WritePairs("1100\nAbel_Pacheco\t1\t4\n"), "images");

        var pair = Assert.Single(pairs);
        Assert.Equal(Path.Combine("images", "Abel_Pacheco", "Abel_Pacheco_0001.jpg"), pair.First);
    }

    [Fact]
    public void Blank_lines_and_windows_line_ends_are_accepted()
    {
        var pairs = LfwPairs.Read(WritePairs("1\t1\r\n\r\nAbel_Pacheco\t1\t4\r\n\r\nAl_Gore\t2\tJohn_Kerry\t3\r\n"), "images");

        Assert.Equal(2, pairs.Count);
        Assert.True(pairs[0].SamePerson);
        Assert.False(pairs[1].SamePerson);
        Assert.Equal(Path.Combine("images", "John_Kerry", "John_Kerry_0003.jpg"), pairs[1].Second);
    }

    [Fact]
    public void Header_only_gives_no_pairs()
    {
        Assert.Empty(LfwPairs.Read(WritePairs("10\t300\n"), "images"));
    }

    [Theory]
    [InlineData("Abel_Pacheco\t1", 3)]
    [InlineData("Abel_Pacheco", 3)]
    [InlineData("Abel_Pacheco\t1\tAl_Gore\t2\t3", 3)]
    public void Line_with_the_wrong_number_of_fields_names_the_file_and_line(string badLine, int lineNumber)
    {
        var pairsFile = WritePairs($"1\t1\nAl_Gore\t1\t2\n{badLine}\nAl_Gore\t1\t3\n");

        var error = Assert.Throws<VisageException>(() => LfwPairs.Read(pairsFile, "images"));

        Assert.Contains(pairsFile, error.Message);
        Assert.Contains($"line {lineNumber}", error.Message);
        Assert.Contains(badLine, error.Message);
    }

    [Fact]
    public void Missing_pairs_file_names_it()
    {
        var pairsFile = _temp.File("nowhere.txt");

        var error = Assert.Throws<VisageException>(() => LfwPairs.Read(pairsFile, "images"));

        Assert.StartsWith(pairsFile, error.Message);
        Assert.Contains("cannot read pairs file", error.Message);
    }

    [Fact]
    public void ImagePath_pads_the_index_to_four_digits()
    {
        Assert.Equal(Path.Combine("lfw", "Al_Gore", "Al_Gore_0007.jpg"), LfwPairs.ImagePath("lfw", "Al_Gore", 7));
        Assert.Equal(Path.Combine("lfw", "Al_Gore", "Al_Gore_0007.jpg"), LfwPairs.ImagePath("lfw", "Al_Gore", 0007));
    }
}
