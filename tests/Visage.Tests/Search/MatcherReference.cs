using Visage.Recognition;
using Visage.Search;
using Visage.Storage;

namespace Visage.Tests.Search;

/// <summary>What <see cref="FaceMatcher"/>, the reference, answers for the same faces.</summary>
internal static class MatcherReference
{
    public static FaceMatcher For(IEnumerable<IndexedFace> faces) =>
        new(faces.Select(f => new GalleryFace(f.Id, f.Identity, f.Embedding, "", "", DateTimeOffset.UnixEpoch))
            .ToList());

    /// <summary>Same identities, same order, bit-identical distances.</summary>
    public static void AssertSame(IReadOnlyList<IdentityDistance> expected, IReadOnlyList<IdentityDistance> actual)
    {
        Assert.Equal(expected.Count, actual.Count);
        for (var i = 0; i < expected.Count; i++)
        {
            Assert.Equal(expected[i].Identity, actual[i].Identity);
            Assert.Equal(BitConverter.SingleToInt32Bits(expected[i].Distance),
                BitConverter.SingleToInt32Bits(actual[i].Distance));
        }
    }
}
