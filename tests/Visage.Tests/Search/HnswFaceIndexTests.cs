using Visage.Search;

namespace Visage.Tests.Search;

public sealed class HnswFaceIndexTests
{
    [Fact]
    public void With_its_default_search_it_names_the_same_nearest_person_as_the_matcher()
    {
        const int dimensions = 128;
        var gallery = GeneratedFaces.Gallery(identities: 2_000, maxFacesEach: 3, dimensions, seed: 21);
        using var index = new HnswFaceIndex(dimensions, HnswOptions.Default with { Threads = 1 });
        index.Add(gallery);
        var matcher = MatcherReference.For(gallery);

        // Every fourth probe is a stranger: a random direction, about as far from everyone.
        var probes = GeneratedFaces.Probes(gallery, 400, seed: 22);
        var (agreed, enrolledAgreed) = (0, 0);
        for (var i = 0; i < probes.Count; i++)
        {
            var exact = matcher.DistancesTo(probes[i]);
            var found = index.Search(probes[i], 1);
            Assert.Single(found);
            // Whatever it names, the distance is a true one to that person's faces: never nearer than exact.
            Assert.True(found[0].Distance >= exact.First(d => d.Identity == found[0].Identity).Distance);
            if (found[0] != exact[0]) continue;
            agreed++;
            if (i % 4 != 3) enrolledAgreed++;
        }
        Assert.True(enrolledAgreed >= 297, $"HNSW named the matcher's nearest person for {enrolledAgreed} of 300 enrolled probes");
        Assert.True(agreed >= 380, $"HNSW named the matcher's nearest person for {agreed} of 400 probes");
    }

    [Fact]
    public void A_large_batch_is_added_from_several_threads_and_found()
    {
        const int dimensions = 32;
        var gallery = GeneratedFaces.Gallery(identities: 1_000, maxFacesEach: 2, dimensions, seed: 31);
        using var index = new HnswFaceIndex(dimensions, HnswOptions.Default with { Threads = 2 });
        index.Add(gallery);

        Assert.Equal(gallery.Count, index.Count);
        Assert.All(gallery.Take(50), face => Assert.Equal(face.Identity, index.Search(face.Embedding, 1)[0].Identity));
        Assert.True(index.NativeMemoryBytes > gallery.Count * dimensions * sizeof(float));
    }

    [Fact]
    public void Asking_for_more_people_than_the_first_candidates_hold_searches_further()
    {
        const int dimensions = 16;
        // 300 photos of one person and one photo each of 20 others: the 64 nearest faces are all hers.
        var random = new Random(5);
        var her = GeneratedFaces.UnitVector(random, dimensions);
        var faces = Enumerable.Range(1, 300).Select(i => new IndexedFace(i, "her", her)).ToList();
        faces.AddRange(Enumerable.Range(0, 20).Select(i =>
            new IndexedFace(1_000 + i, $"other{i:D2}", GeneratedFaces.UnitVector(random, dimensions))));
        using var index = new HnswFaceIndex(dimensions, HnswOptions.Default with { Threads = 1 });
        index.Add(faces);

        var answer = index.Search(her, 10);

        Assert.Equal(10, answer.Count);
        Assert.Equal("her", answer[0].Identity);
        MatcherReference.AssertSame(MatcherReference.For(faces).DistancesTo(her).Take(10).ToList(), answer);
    }
}
