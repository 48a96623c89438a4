using OpenCvSharp;
using Visage.Detection;
using Visage.Landmarks;
using Visage.Recognition;
using Visage.Storage;

namespace Visage.Tests.Recognition;

public sealed class FaceMatcherTests
{
    private static readonly float[] Probe = Unit(0);

    // Alice's nearest photo is 20 degrees from the probe, Bob's 40, Carol's 180.
    private static readonly GalleryFace[] Gallery =
    [
        Enrolled(1, "alice", Unit(60)),
        Enrolled(2, "bob", Unit(40)),
        Enrolled(3, "alice", Unit(20)),
        Enrolled(4, "carol", Unit(180)),
        Enrolled(5, "alice", Unit(90)),
        Enrolled(6, "bob", [0, 0, 1, 0]),
    ];

    [Fact]
    public void Distance_to_an_identity_is_the_minimum_over_its_photos()
    {
        var distances = new FaceMatcher(Gallery).DistancesTo(Probe);

        Assert.Equal(["alice", "bob", "carol"], distances.Select(d => d.Identity));
        Assert.Equal(Chord(20), distances[0].Distance, 1e-6);
        Assert.Equal(Chord(40), distances[1].Distance, 1e-6);
        Assert.Equal(2, distances[2].Distance, 1e-6);
        Assert.Equal(FaceDistance.Euclidean(Probe, Gallery[2].Embedding), distances[0].Distance);
    }

    [Fact]
    public void Distances_are_ascending_with_ties_broken_by_name()
    {
        GalleryFace[] gallery =
        [
            Enrolled(1, "zed", [0, 1, 0, 0]),
            Enrolled(2, "mia", Unit(170)),
            Enrolled(3, "amy", [0, 0, 1, 0]),
            Enrolled(4, "kim", Unit(10)),
            Enrolled(5, "bea", [0, 0, 0, 1]),
        ];

        var distances = new FaceMatcher(gallery).DistancesTo(Probe);

        Assert.Equal(["kim", "amy", "bea", "zed", "mia"], distances.Select(d => d.Identity));
        for (var i = 1; i < distances.Count; i++)
            Assert.True(distances[i - 1].Distance <= distances[i].Distance);
    }

    [Fact]
    public void Identity_is_known_when_its_distance_equals_the_threshold()
    {
        var matcher = new FaceMatcher(Gallery);
        var exact = FaceDistance.Euclidean(Probe, Gallery[2].Embedding);

        var result = matcher.Identify(FaceWith(Probe), exact);

        Assert.True(result.IsKnown);
        Assert.Equal("alice", result.Identity);
        Assert.Equal("alice", result.Nearest);
        Assert.Equal(exact, result.Distance);
        Assert.Equal(exact, result.Threshold);
    }

    [Fact]
    public void Identity_is_unknown_just_above_the_threshold_but_the_nearest_is_still_reported()
    {
        var matcher = new FaceMatcher(Gallery);
        var exact = FaceDistance.Euclidean(Probe, Gallery[2].Embedding);
        var threshold = MathF.BitDecrement(exact);
        var face = FaceWith(Probe);

        var result = matcher.Identify(face, threshold);

        Assert.False(result.IsKnown);
        Assert.Null(result.Identity);
        Assert.Equal("alice", result.Nearest);
        Assert.Equal(exact, result.Distance);
        Assert.Equal(threshold, result.Threshold);
        Assert.Same(face, result.Face);
        Assert.Equal(["alice", "bob", "carol"], result.Distances.Select(d => d.Identity));
    }

    [Fact]
    public void Empty_gallery_gives_unknown_at_infinite_distance()
    {
        var matcher = new FaceMatcher([]);

        var result = matcher.Identify(FaceWith(Probe), 0.6f);

        Assert.True(matcher.IsEmpty);
        Assert.False(result.IsKnown);
        Assert.Null(result.Identity);
        Assert.Null(result.Nearest);
        Assert.Equal(float.PositiveInfinity, result.Distance);
        Assert.Empty(result.Distances);
        Assert.Empty(matcher.DistancesTo(Probe));
    }

    [Fact]
    public void Non_empty_gallery_is_not_empty()
    {
        Assert.False(new FaceMatcher(Gallery).IsEmpty);
    }

    [Fact]
    public void Encoding_of_another_length_throws()
    {
        Assert.Throws<ArgumentException>(() => new FaceMatcher(Gallery).DistancesTo([1, 0, 0]));
    }

    /// <summary>A unit vector in the first two of four dimensions, at the given angle from (1, 0, 0, 0).</summary>
    private static float[] Unit(double degrees)
    {
        var radians = degrees * Math.PI / 180;
        return [(float)Math.Cos(radians), (float)Math.Sin(radians), 0, 0];
    }

    private static double Chord(double degrees) => 2 * Math.Sin(degrees * Math.PI / 180 / 2);

    private static GalleryFace Enrolled(long id, string identity, float[] embedding) =>
        new(id, identity, embedding, $"/photos/{identity}-{id}.jpg", new string((char)('a' + id), 64),
            DateTimeOffset.UnixEpoch);

    private static Face FaceWith(float[] embedding) =>
        new(new FaceBox(10, 20, 100, 120), 0.98f,
            new FaceLandmarks(Enumerable.Range(0, FaceLandmarks.Count).Select(i => new Point2f(10 + i, 20 + i)).ToArray()),
            embedding);
}
