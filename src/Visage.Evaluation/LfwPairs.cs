using Visage.Recognition;

namespace Visage.Evaluation;

/// <summary>
/// Reads LFW pair files: a header line, then "Name i j" (same person) or "Name1 i Name2 j" (different),
/// tab-separated. Image i of Name is <c>Name/Name_000i.jpg</c> under the images folder.
/// </summary>
public static class LfwPairs
{
    public static IReadOnlyList<ImagePair> Read(string pairsFile, string imagesFolder)
    {
        string[] lines;
        try
        {
            lines = File.ReadAllLines(pairsFile);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new VisageException($"{pairsFile}: cannot read pairs file ({e.Message})");
        }

        var pairs = new List<ImagePair>();
        for (var n = 1; n < lines.Length; n++)
        {
            var fields = lines[n].Split(['\t', ' '], StringSplitOptions.RemoveEmptyEntries);
            switch (fields.Length)
            {
                case 0:
                    continue;
                case 3:
                    pairs.Add(new ImagePair(ImagePath(imagesFolder, fields[0], Index(fields[1], n)),
                        ImagePath(imagesFolder, fields[0], Index(fields[2], n)), true));
                    break;
                case 4:
                    pairs.Add(new ImagePair(ImagePath(imagesFolder, fields[0], Index(fields[1], n)),
                        ImagePath(imagesFolder, fields[2], Index(fields[3], n)), false));
                    break;
                default:
                    throw new VisageException($"{pairsFile}: line {n + 1} is not an LFW pair: '{lines[n]}'");
            }
        }
        return pairs;

        int Index(string field, int n) => int.TryParse(field, out var index) && index > 0
            ? index
            : throw new VisageException($"{pairsFile}: line {n + 1}: '{field}' is not an image number");
    }

    /// <summary>The header of a pair file, which says how its pairs are grouped into sets.</summary>
    public static Evaluation.PairFileLayout ReadLayout(string pairsFile)
    {
        try
        {
            using var reader = new StreamReader(pairsFile);
            return Evaluation.PairFileLayout.Parse(reader.ReadLine() ?? "");
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new VisageException($"{pairsFile}: cannot read pairs file ({e.Message})");
        }
    }

    public static string ImagePath(string imagesFolder, string name, int index) =>
        Path.Combine(imagesFolder, name, $"{name}_{index:D4}.jpg");
}
