using Visage.Search;

namespace Visage.Tests.Search;

/// <summary>Adds, removals, renames and merges leave each kind of index answering as the matcher does.</summary>
public sealed class FaceIndexChangesTests
{
    public static TheoryData<string> Kinds => new() { "exact", "hnsw" };

    internal static IFaceIndex Create(string kind, int dimensions) => kind == "exact"
        ? new ExactFaceIndex(dimensions)
        // Candidates enough to visit every face of these small galleries, so HNSW must agree exactly.
        : new HnswFaceIndex(dimensions, new HnswOptions { MinCandidates = 4096, ExpansionSearch = 4096, Threads = 1 });

    [Theory]
    [MemberData(nameof(Kinds))]
    public void Every_change_is_reflected_in_the_next_search(string kind)
    {
        const int dimensions = 64;
        var faces = GeneratedFaces.Gallery(identities: 60, maxFacesEach: 5, dimensions, seed: 7);
        using var index = Create(kind, dimensions);
        index.Add(faces.Take(100).ToList());
        index.Add(faces.Skip(100).ToList());
        var current = faces.ToList();
        var probes = GeneratedFaces.Probes(faces, 25, seed: 8);
        AssertAgrees(index, current, probes);

        // Some faces go, one of them twice over, and one that was never there.
        var gone = new long[] { faces[3].Id, faces[50].Id, faces[120].Id, faces[3].Id, 999_999 };
        Assert.Equal(3, index.Remove(gone));
        current.RemoveAll(f => gone.Contains(f.Id));
        AssertAgrees(index, current, probes);

        // A person is deleted.
        var deleted = current[10].Identity;
        Assert.Equal(current.Count(f => f.Identity == deleted), index.RemoveIdentity(deleted));
        current.RemoveAll(f => f.Identity == deleted);
        Assert.Equal(0, index.RemoveIdentity(deleted));
        AssertAgrees(index, current, probes);

        // A rename to a new name, then a merge into an existing person.
        var renamed = current[0].Identity;
        index.RenameIdentity(renamed, "zed");
        current = current.Select(f => f.Identity == renamed ? f with { Identity = "zed" } : f).ToList();
        AssertAgrees(index, current, probes);
        var (from, into) = (current[40].Identity, current[80].Identity);
        Assert.NotEqual(from, into);
        index.RenameIdentity(from, into);
        current = current.Select(f => f.Identity == from ? f with { Identity = into } : f).ToList();
        AssertAgrees(index, current, probes);
        Assert.Equal(current.Select(f => f.Identity).Distinct().Count(), index.IdentityCount);

        // New faces after all that, one for a brand-new person and one for the merged one.
        var more = GeneratedFaces.Gallery(identities: 2, maxFacesEach: 2, dimensions, seed: 9, firstId: 10_000)
            .Select((f, i) => i == 0 ? f with { Identity = into } : f).ToList();
        index.Add(more);
        current.AddRange(more);
        AssertAgrees(index, current, probes);
        Assert.Equal(current.Count, index.Count);
    }

    [Theory]
    [MemberData(nameof(Kinds))]
    public void Removing_every_face_of_a_person_forgets_them(string kind)
    {
        using var index = Create(kind, 3);
        index.Add([new IndexedFace(1, "ada", [1, 0, 0]), new IndexedFace(2, "ada", [0, 1, 0]), new IndexedFace(3, "bob", [0, 0, 1])]);
        index.Remove([1, 2]);
        Assert.Equal(["bob"], index.Search([1, 0, 0], 10).Select(a => a.Identity));
        Assert.Equal(1, index.IdentityCount);
        Assert.False(index.Contains(1));
        Assert.True(index.Contains(3));
    }

    internal static void AssertAgrees(IFaceIndex index, IReadOnlyList<IndexedFace> faces, IEnumerable<float[]> probes)
    {
        var matcher = MatcherReference.For(faces);
        Assert.Equal(faces.Count, index.Count);
        foreach (var probe in probes)
        {
            var expected = matcher.DistancesTo(probe);
            MatcherReference.AssertSame(expected.Take(3).ToList(), index.Search(probe, 3));
            if (index.Kind == "exact") MatcherReference.AssertSame(expected, index.Search(probe, int.MaxValue));
        }
    }
}
