using Visage.Search;
using Visage.Tests.Integration;
using Visage.Tests.TestData;

namespace Visage.Tests.Search;

/// <summary>Both indexes against the matcher on real encodings: LFW photos through the default pack.</summary>
[Collection(IntegrationCollection.Name)]
public sealed class LfwFaceIndexTests(PipelineFixture fixture)
{
    [Fact]
    public void On_LFW_encodings_both_indexes_answer_as_the_matcher_does()
    {
        // 30 people with three photos or more: all but their last enrolled (at most three), the last a probe;
        // and 10 people never enrolled, whose photos are probes too.
        var people = Lfw.People().Where(p => Lfw.PhotosOf(p).Count >= 3).Take(30).ToList();
        var strangers = Lfw.People().Where(p => Lfw.PhotosOf(p).Count == 1).Take(10).ToList();
        var gallery = new List<IndexedFace>();
        var probes = new List<float[]>();
        foreach (var person in people)
        {
            var photos = Lfw.PhotosOf(person);
            foreach (var photo in photos.Take(Math.Min(3, photos.Count - 1)))
                gallery.Add(new IndexedFace(gallery.Count + 1, person, fixture.SubjectOf(photo).Embedding));
            probes.Add(fixture.SubjectOf(photos[^1]).Embedding);
        }
        probes.AddRange(strangers.Select(s => fixture.SubjectOf(Lfw.PhotosOf(s)[0]).Embedding));
        var dimensions = fixture.Pipeline.Dimensions;

        using var exact = new ExactFaceIndex(dimensions);
        exact.Add(gallery);
        using var hnsw = new HnswFaceIndex(dimensions, HnswOptions.Default with { Threads = 1 });
        hnsw.Add(gallery);
        var matcher = MatcherReference.For(gallery);

        foreach (var probe in probes)
        {
            var expected = matcher.DistancesTo(probe);
            MatcherReference.AssertSame(expected, exact.Search(probe, int.MaxValue));
            MatcherReference.AssertSame(expected.Take(5).ToList(), hnsw.Search(probe, 5));
        }
    }
}
