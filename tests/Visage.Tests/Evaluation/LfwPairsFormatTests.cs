using Visage.Evaluation;
using Visage.Recognition;
using Visage.Tests.TestData;

namespace Visage.Tests.Evaluation;

public sealed class LfwPairsFormatTests : IDisposable
{
    private readonly TempFolder _temp = new();
    public void Dispose() => _temp.Dispose();

    [Fact]
    public void Non_numeric_index_is_a_VisageException_naming_the_file()
    {
        var file = _temp.Write("pairs.txt", "1\t1\nAl_Gore\tone\t2\n"u8.ToArray());
        var error = Assert.Throws<VisageException>(() => LfwPairs.Read(file, "images"));
        Assert.Contains(file, error.Message);
    }

    [Fact]
    public void Space_separated_lines_are_read()
    {
        var file = _temp.Write("pairs.txt", "1 1\nAl_Gore 1 2\n"u8.ToArray());
        var pair = Assert.Single(LfwPairs.Read(file, "images"));
        Assert.True(pair.SamePerson);
    }
}
