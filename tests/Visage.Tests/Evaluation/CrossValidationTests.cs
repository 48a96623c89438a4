using Visage.Recognition;
using Visage.Evaluation;
using Visage.Tests.TestData;

namespace Visage.Tests.Evaluation;

public sealed class CrossValidationTests : IDisposable
{
    private readonly TempFolder _temp = new();

    public void Dispose() => _temp.Dispose();

    /// <summary>A pairs.txt-style file: 10 sets, each 3 same-person then 3 different-person lines.</summary>
    private string WriteTenFoldFile()
    {
        var lines = new List<string> { "10\t3" };
        for (var set = 0; set < 10; set++)
        {
            for (var i = 0; i < 3; i++) lines.Add($"Same_{set}_{i}\t1\t2");
            for (var i = 0; i < 3; i++) lines.Add($"A_{set}_{i}\t1\tB_{set}_{i}\t1");
        }
        return _temp.Write("pairs.txt", System.Text.Encoding.UTF8.GetBytes(string.Join("\n", lines)));
    }

    [Fact]
    public void Folds_follow_the_sets_of_the_file()
    {
        var file = WriteTenFoldFile();
        var pairs = LfwPairs.Read(file, "images");
        var layout = LfwPairs.ReadLayout(file);

        var folds = CrossValidation.Split(pairs, p => p.SamePerson, 10, layout);

        Assert.Equal(new PairFileLayout(10, 3), layout);
        Assert.Equal(10, folds.Count);
        for (var k = 0; k < 10; k++)
        {
            Assert.Equal(6, folds[k].Count);
            Assert.All(folds[k], p => Assert.Contains($"_{k}_", p.First));
            Assert.Equal(3, folds[k].Count(p => p.SamePerson));
        }
    }

    [Fact]
    public void Each_fold_is_measured_with_the_threshold_of_the_other_nine()
    {
        // Same pairs at 0.2, different at 0.8, except one different pair of fold 4 at 0.1.
        var folds = Enumerable.Range(0, 10).Select(k =>
        {
            var fold = new List<LabelledDistance>
            {
                new(0.2f, true), new(0.2f, true), new(0.2f, true),
                new(0.8f, false), new(0.8f, false), new(k == 3 ? 0.1f : 0.8f, false),
            };
            return (IReadOnlyList<LabelledDistance>)fold;
        }).ToList();

        var results = CrossValidation.Run(folds);
        var (mean, deviation) = CrossValidation.Summarise(results);

        // Every fold's threshold falls between 0.2 and 0.8, so fold 4 misses its 0.1 pair: 5 of 6.
        Assert.All(results, r => Assert.InRange(r.Threshold, 0.2f, 0.8f));
        Assert.Equal(5 / 6.0, results[3].Accuracy, 12);
        Assert.All(results.Where(r => r.Fold != 4), r => Assert.Equal(1.0, r.Accuracy));
        Assert.Equal((9 + 5 / 6.0) / 10, mean, 12);
        // Sample deviation: (9 * (1/60)^2 + (3/20)^2) / 9 = 1/360.
        Assert.Equal(Math.Sqrt(1 / 360.0), deviation, 12);
    }

    [Fact]
    public void A_file_without_sets_is_split_evenly_keeping_its_balance()
    {
        var pairs = Enumerable.Range(0, 23).Select(i => new LabelledDistance(i, i % 2 == 0)).ToList();

        var folds = CrossValidation.Split(pairs, p => p.SamePerson, 5, new PairFileLayout(null, null));

        Assert.Equal(5, folds.Count);
        Assert.Equal(23, folds.Sum(f => f.Count));
        Assert.All(folds, f => Assert.InRange(f.Count(p => p.SamePerson), 2, 3));
        Assert.Equal(pairs.OrderBy(p => p.Distance), folds.SelectMany(f => f).OrderBy(p => p.Distance));
    }

    [Fact]
    public void Layout_reads_both_header_forms()
    {
        Assert.Equal(new PairFileLayout(1, 1100), PairFileLayout.Parse("1100"));
        Assert.Equal(new PairFileLayout(10, 300), PairFileLayout.Parse("10\t300"));
        Assert.Equal(new PairFileLayout(null, null), PairFileLayout.Parse("Abel\t1\t2"));
    }
}
