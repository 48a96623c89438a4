using Visage.Search;
using Visage.Tests.TestData;

namespace Visage.Tests.Search;

public sealed class FaceIndexFileTests
{
    private const int Dimensions = 48;
    private static readonly List<IndexedFace> Gallery = GeneratedFaces.Gallery(80, 4, Dimensions, seed: 41);
    private static readonly List<float[]> Probes = GeneratedFaces.Probes(Gallery, 20, seed: 42);

    [Theory]
    [MemberData(nameof(FaceIndexChangesTests.Kinds), MemberType = typeof(FaceIndexChangesTests))]
    public void A_saved_index_loads_and_answers_as_before_changes_included(string kind)
    {
        using var folder = new TempFolder();
        var current = Gallery.ToList();
        using (var index = FaceIndexChangesTests.Create(kind, Dimensions))
        {
            index.Add(current);
            index.RemoveIdentity(current[0].Identity);
            index.RenameIdentity(current[^1].Identity, current[^30].Identity);
            current = current.Where(f => f.Identity != Gallery[0].Identity)
                .Select(f => f.Identity == Gallery[^1].Identity ? f with { Identity = Gallery[^30].Identity } : f)
                .ToList();
            FaceIndexFile.Save(index, folder.Path, "stamp-1");
        }

        var (loaded, whyNot) = FaceIndexFile.TryLoad(folder.Path, "stamp-1", Dimensions, Hnsw);
        Assert.Null(whyNot);
        using (loaded)
        {
            Assert.Equal(kind, loaded!.Kind);
            FaceIndexChangesTests.AssertAgrees(loaded, current, Probes);
            // A loaded index takes changes like a built one.
            var more = GeneratedFaces.Gallery(3, 2, Dimensions, seed: 43, firstId: 5_000);
            loaded.Add(more);
            FaceIndexChangesTests.AssertAgrees(loaded, [.. current, .. more], Probes);
        }
        Assert.Equal(kind == "hnsw" ? 2 : 1, Directory.GetFiles(folder.Path).Length);
        if (!OperatingSystem.IsWindows())
            Assert.All(Directory.GetFiles(folder.Path), file =>
                Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(file)));
    }

    [Fact]
    public void A_stale_missing_corrupt_or_other_width_index_is_not_loaded()
    {
        using var folder = new TempFolder();
        Assert.Equal("no saved index", FaceIndexFile.TryLoad(folder.Path, "s", Dimensions).WhyNot);

        using (var index = FaceIndexes.Build(Dimensions, Gallery)) FaceIndexFile.Save(index, folder.Path, "s");
        Assert.Contains("stale", FaceIndexFile.TryLoad(folder.Path, "t", Dimensions).WhyNot);
        Assert.Contains("numbers", FaceIndexFile.TryLoad(folder.Path, "s", Dimensions + 1).WhyNot);

        var path = Path.Combine(folder.Path, FaceIndexFile.FacesFile);
        var bytes = File.ReadAllBytes(path);
        File.WriteAllBytes(path, bytes[..(bytes.Length / 2)]);
        Assert.Contains("unreadable", FaceIndexFile.TryLoad(folder.Path, "s", Dimensions).WhyNot);
        File.WriteAllBytes(path, [.. bytes, 0]);
        Assert.Contains("trailing", FaceIndexFile.TryLoad(folder.Path, "s", Dimensions).WhyNot);
        File.WriteAllBytes(path, [1, 2, 3]);
        Assert.NotNull(FaceIndexFile.TryLoad(folder.Path, "s", Dimensions).WhyNot);
    }

    [Fact]
    public void A_graph_file_that_went_missing_means_a_rebuild()
    {
        using var folder = new TempFolder();
        using (var index = FaceIndexChangesTests.Create("hnsw", Dimensions))
        {
            index.Add(Gallery);
            FaceIndexFile.Save(index, folder.Path, "s");
        }
        foreach (var graph in Directory.GetFiles(folder.Path, "graph-*")) File.Delete(graph);
        Assert.Contains("unreadable", FaceIndexFile.TryLoad(folder.Path, "s", Dimensions, Hnsw).WhyNot);
    }

    [Fact]
    public async Task The_first_start_builds_and_saves_the_next_loads_and_a_change_rebuilds()
    {
        using var folder = new TempFolder();
        var reads = 0;
        Task<IReadOnlyList<IndexedFace>> Read(CancellationToken _)
        {
            reads++;
            return Task.FromResult<IReadOnlyList<IndexedFace>>(Gallery);
        }
        var options = new FaceIndexOptions { HnswFromFaces = 100, Hnsw = Hnsw };

        var first = await FaceIndexes.LoadOrBuildAsync(folder.Path, "v1", Dimensions, Read, options);
        using (first.Index)
        {
            Assert.False(first.Loaded);
            Assert.Equal("hnsw", first.Index.Kind);
        }
        var second = await FaceIndexes.LoadOrBuildAsync(folder.Path, "v1", Dimensions, Read, options);
        using (second.Index)
        {
            Assert.True(second.Loaded);
            FaceIndexChangesTests.AssertAgrees(second.Index, Gallery, Probes);
        }
        var third = await FaceIndexes.LoadOrBuildAsync(folder.Path, "v2", Dimensions, Read, options);
        using (third.Index)
        {
            Assert.False(third.Loaded);
            Assert.Contains("stale", third.WhyRebuilt);
        }
        Assert.Equal(2, reads);
        Assert.Equal(2, Directory.GetFiles(folder.Path).Length);
    }

    private static readonly HnswOptions Hnsw = new() { MinCandidates = 4096, ExpansionSearch = 4096, Threads = 1 };
}
