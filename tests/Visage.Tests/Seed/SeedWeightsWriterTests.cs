using System.Globalization;

namespace Visage.Tests.Seed;

[Collection(SeedWeightsCollection.Name)]
public class SeedWeightsWriterTests(SeedRandomWeightsFixture random, SeedZeroConvolutionsFixture zero)
{
    public static TheoryData<string> Folders => new() { "random", "zero" };

    private SeedWeightsFixture Pick(string which) => which == "random" ? random : zero;

    [Theory]
    [MemberData(nameof(Folders))]
    public void Folder_HoldsExactlyTheLayoutsFiles(string which)
    {
        var names = Directory.GetFiles(Pick(which).Folder).Select(Path.GetFileName).Order(StringComparer.Ordinal);
        Assert.Equal(SeedLayout.Files.Select(f => f.FileName).Order(StringComparer.Ordinal), names);
        Assert.Equal(224, names.Count());
    }

    [Theory]
    [MemberData(nameof(Folders))]
    public void Folder_HoldsTheFullParameterCount(string which)
    {
        var f = Pick(which);
        var total = SeedLayout.Files.Sum(file => (long)SeedReferenceNetwork.ReadCsv(Path.Combine(f.Folder, file.FileName)).Length);
        Assert.Equal(3_743_280L, total);
        Assert.Equal(3_743_280L, f.Written.Values.Sum(v => (long)v.Length));
    }

    [Theory]
    [MemberData(nameof(Folders))]
    public void ValuesReadBack_AreBitIdenticalFloat32(string which)
    {
        var f = Pick(which);
        foreach (var file in SeedLayout.Files)
        {
            var written = f.Written[file.Stem];
            var read = f.Network.Tensor(file.Stem);
            Assert.Equal(file.Count, read.Length);
            for (var i = 0; i < read.Length; i++)
                if (BitConverter.SingleToInt32Bits(written[i]) != BitConverter.SingleToInt32Bits(read[i]))
                    Assert.Fail($"{file.FileName}[{i}]: wrote {written[i]:R}, read {read[i]:R}");
        }
    }

    [Theory]
    [MemberData(nameof(Folders))]
    public void Numbers_AreWrittenInTheRequestedFormat(string which)
    {
        var f = Pick(which);
        var tokens = File.ReadAllText(Path.Combine(f.Folder, "bn1_w.csv"))
            .Split([',', '\n', '\r', ' ', '\t'], StringSplitOptions.RemoveEmptyEntries);
        var values = f.Written["bn1_w"];
        Assert.Equal(values.Length, tokens.Length);
        for (var i = 0; i < values.Length; i++)
            Assert.Equal(values[i].ToString(f.Options.FloatFormat, CultureInfo.InvariantCulture), tokens[i]);
    }

    [Fact]
    public void MixedLayout_HasOneLineAndMultiLineFiles()
    {
        var lineCounts = SeedLayout.Files.ToDictionary(
            file => file.Stem,
            file => File.ReadAllLines(Path.Combine(random.Folder, file.FileName)).Count(l => l.Trim().Length > 0));
        Assert.Contains(lineCounts, kv => kv.Value == 1 && SeedLayout.Files.First(f => f.Stem == kv.Key).Count > 1000);
        Assert.Contains(lineCounts, kv => kv.Value > 1);
        // A multi-line kernel file: one line per output channel, each with several numbers.
        var conv1 = File.ReadAllLines(Path.Combine(random.Folder, "conv1_w.csv")).Where(l => l.Length > 0).ToArray();
        Assert.Equal(64, conv1.Length);
        Assert.All(conv1, l => Assert.Equal(3 * 7 * 7, l.Split(',').Length));
    }

    [Fact]
    public void MultiLineLayout_SplitsEveryFileLongerThanTenNumbers()
    {
        foreach (var file in SeedLayout.Files.Where(f => f.Count > 10))
        {
            var lines = File.ReadAllLines(Path.Combine(zero.Folder, file.FileName)).Count(l => l.Trim().Length > 0);
            Assert.True(lines > 1, $"{file.FileName} has {lines} line(s)");
        }
    }

    [Fact]
    public void StrayWhitespace_IsPresentInTheZeroFolder()
    {
        var texts = SeedLayout.Files.Select(f => File.ReadAllText(Path.Combine(zero.Folder, f.FileName))).ToList();
        Assert.Contains(texts, t => t.Contains(", "));
        Assert.Contains(texts, t => t.Contains("\r\n"));
        Assert.Contains(texts, t => t.StartsWith(' '));
        Assert.DoesNotContain(File.ReadAllText(Path.Combine(random.Folder, "conv1_w.csv")), " ");
    }

    [Fact]
    public void Generate_IsDeterministicPerSeed()
    {
        var again = SeedWeightsWriter.Generate(new SeedWeightsOptions { Seed = 1 });
        foreach (var file in SeedLayout.Files)
            Assert.Equal(random.Written[file.Stem], again[file.Stem]);

        var other = SeedWeightsWriter.Generate(new SeedWeightsOptions { Seed = 3 });
        Assert.NotEqual(random.Written["conv1_w"], other["conv1_w"]);
        Assert.NotEqual(random.Written["dense_b"], other["dense_b"]);
    }

    [Fact]
    public void ZeroConvolutions_ZeroEveryKernel_AndKeepTheRest()
    {
        var nonZero = SeedWeightsWriter.Generate(new SeedWeightsOptions { Seed = 2 });
        foreach (var c in SeedLayout.Convolutions)
        {
            Assert.All(zero.Written[c.Name + "_w"], v => Assert.Equal(0f, v));
            Assert.Contains(nonZero[c.Name + "_w"], v => v != 0f);
            Assert.Equal(nonZero[c.Name + "_b"], zero.Written[c.Name + "_b"]);
            Assert.Contains(zero.Written[c.Name + "_b"], v => v != 0f);
        }
        Assert.Equal(nonZero["dense_w"], zero.Written["dense_w"]);
    }

    [Fact]
    public void Values_AreInTheirRanges()
    {
        foreach (var c in SeedLayout.Convolutions)
        {
            Assert.All(random.Written[c.BnName + "_w"], v => Assert.InRange(v, 0.5f, 1.5f));
            Assert.All(random.Written[c.BnName + "_v"], v => Assert.InRange(v, 0.5f, 1.5f));
            Assert.All(random.Written[c.Name + "_b"], v => Assert.InRange(v, -0.5f, 0.5f));

            // The kernel's spread is near the He scale sqrt(2 / fan_in).
            var w = random.Written[c.Name + "_w"];
            var rms = Math.Sqrt(w.Sum(v => (double)v * v) / w.Length);
            var he = Math.Sqrt(2.0 / (c.In * c.Kh * c.Kw));
            Assert.InRange(rms, 0.8 * he, 1.2 * he);
        }
    }

    [Fact]
    public void Writer_RejectsOtherFloatFormats()
    {
        var dir = Path.Combine(Path.GetTempPath(), "visage-seed-" + Guid.NewGuid().ToString("N"));
        Assert.Throws<ArgumentException>(() => SeedWeightsWriter.Write(dir, new SeedWeightsOptions { FloatFormat = "F3" }));
        Assert.False(Directory.Exists(dir));
    }

    [Fact]
    public void Load_RejectsAShortFile_AndAMissingOne()
    {
        var dir = Directory.CreateTempSubdirectory("visage-seed-").FullName;
        try
        {
            foreach (var path in Directory.GetFiles(random.Folder))
                File.Copy(path, Path.Combine(dir, Path.GetFileName(path)));
            File.WriteAllText(Path.Combine(dir, "inception_4a_pool_bn_v.csv"), "1,2,3\n");
            var e = Assert.Throws<InvalidDataException>(() => SeedReferenceNetwork.Load(dir));
            Assert.Contains("inception_4a_pool_bn_v.csv", e.Message);
            Assert.Contains("needs 128", e.Message);

            File.WriteAllText(Path.Combine(dir, "inception_4a_pool_bn_v.csv"), "1,x");
            e = Assert.Throws<InvalidDataException>(() => SeedReferenceNetwork.Load(dir));
            Assert.Contains("inception_4a_pool_bn_v.csv", e.Message);

            File.Delete(Path.Combine(dir, "inception_4a_pool_bn_v.csv"));
            Assert.Throws<FileNotFoundException>(() => SeedReferenceNetwork.Load(dir));
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }
}

public class SeedCsvParserTests
{
    [Fact]
    public void Parse_AcceptsOneLineMultiLineAndStrayWhitespace()
    {
        Assert.Equal([1f, -2.5f, 3e-7f], SeedReferenceNetwork.ParseCsv("1,-2.5,3e-7"));
        Assert.Equal([1f, 2f, 3f, 4f], SeedReferenceNetwork.ParseCsv("1,2\n3,4\n"));
        Assert.Equal([1f, 2f, 3f, 4f], SeedReferenceNetwork.ParseCsv("  1 , 2\t\r\n\r\n 3,4 ,\r\n\n"));
        Assert.Equal([0.1f], SeedReferenceNetwork.ParseCsv("0.100000001"));
        Assert.Empty(SeedReferenceNetwork.ParseCsv(" \n"));
    }

    [Theory]
    [InlineData("1,,2")]
    [InlineData("1,abc")]
    [InlineData("1;2")]
    [InlineData(",1")]
    public void Parse_RejectsMalformedNumbers(string text)
    {
        Assert.Throws<FormatException>(() => SeedReferenceNetwork.ParseCsv(text));
    }
}
