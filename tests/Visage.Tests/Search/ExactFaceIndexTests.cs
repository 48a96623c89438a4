using Visage.Search;

namespace Visage.Tests.Search;

public sealed class ExactFaceIndexTests
{
    [Theory]
    [InlineData(4, 1)]
    [InlineData(128, 2)]
    [InlineData(640, 3)]
    public void Answers_as_the_matcher_does_for_every_identity_and_for_the_top_few(int dimensions, int seed)
    {
        var gallery = GeneratedFaces.Gallery(identities: 150, maxFacesEach: 4, dimensions, seed);
        using var index = FaceIndexes.Build(dimensions, gallery);
        var matcher = MatcherReference.For(gallery);

        Assert.Equal("exact", index.Kind);
        Assert.Equal(gallery.Count, index.Count);
        Assert.Equal(150, index.IdentityCount);
        foreach (var probe in GeneratedFaces.Probes(gallery, 40, seed + 100))
        {
            var expected = matcher.DistancesTo(probe);
            MatcherReference.AssertSame(expected, index.Search(probe, int.MaxValue));
            MatcherReference.AssertSame(expected.Take(1).ToList(), index.Search(probe, 1));
            MatcherReference.AssertSame(expected.Take(5).ToList(), index.Search(probe, 5));
        }
    }

    [Fact]
    public void Ties_are_broken_by_name_as_the_matcher_breaks_them()
    {
        float[] same = [1, 0, 0];
        var gallery = new List<IndexedFace>
        {
            new(1, "carol", same), new(2, "alice", same), new(3, "bob", [0, 1, 0]), new(4, "bob", same),
        };
        using var index = new ExactFaceIndex(3);
        index.Add(gallery);

        var answer = index.Search([0.6f, 0.8f, 0], int.MaxValue);
        MatcherReference.AssertSame(MatcherReference.For(gallery).DistancesTo([0.6f, 0.8f, 0]), answer);
        // bob's second photo is nearest; alice and carol are as far as each other, so by name.
        Assert.Equal(["bob", "alice", "carol"], answer.Select(a => a.Identity));
        Assert.Equal(answer[1].Distance, answer[2].Distance);
        Assert.Equal(["bob", "alice"], index.Search([0.6f, 0.8f, 0], 2).Select(a => a.Identity));
    }

    [Fact]
    public void Many_probes_at_once_get_the_nearest_identity_each_would_get_alone()
    {
        var gallery = GeneratedFaces.Gallery(identities: 400, maxFacesEach: 3, dimensions: 96, seed: 4);
        using var index = FaceIndexes.Build(96, gallery);
        var probes = GeneratedFaces.Probes(gallery, 50, seed: 5);

        var together = index is ExactFaceIndex exact ? exact.NearestOfEach(probes, threads: 2) : throw new InvalidOperationException();

        Assert.Equal(probes.Select(p => index.Search(p, 1)[0]), together);
    }

    [Fact]
    public void An_empty_index_finds_no_one()
    {
        using var index = new ExactFaceIndex(3);
        Assert.Empty(index.Search([1, 0, 0], 5));
        Assert.Equal(0, index.Count);
    }

    [Fact]
    public void A_bad_batch_changes_nothing()
    {
        using var index = new ExactFaceIndex(3);
        index.Add([new IndexedFace(1, "ada", [1, 0, 0])]);

        Assert.Throws<ArgumentException>(() => index.Add([new IndexedFace(2, "bob", [0, 1, 0]), new IndexedFace(1, "eve", [0, 0, 1])]));
        Assert.Throws<ArgumentException>(() => index.Add([new IndexedFace(3, "bob", [0, 1])]));
        Assert.Throws<ArgumentException>(() => index.Add([new IndexedFace(4, "bob", [float.NaN, 0, 0])]));
        Assert.Throws<ArgumentException>(() => index.Add([new IndexedFace(5, "", [0, 1, 0])]));
        Assert.Throws<ArgumentException>(() => index.Search([1, 0], 1));

        Assert.Equal(1, index.Count);
        Assert.Equal(["ada"], index.Search([0, 1, 0], 10).Select(a => a.Identity));
    }
}
