using Visage.Detection;
using Visage.Storage;
using Visage.Tests.TestData;

namespace Visage.Tests.Storage;

public sealed class EmbeddingCacheFacesTests
{
    [Fact]
    public void Every_face_of_an_image_comes_back_as_it_was_put_and_survives_reopening()
    {
        using var folder = new TempFolder();
        var path = folder.File("encodings.db");
        CachedFace[] faces =
        [
            new(new FaceBox(10, 20, 30, 40), 0.9f, [1f, 2f, 3f]),
            new(new FaceBox(100.5f, 2, 31, 33), 0.75f, [-1f, 0.5f, 0.25f]),
        ];
        using (var cache = EmbeddingCache.Open(path))
        {
            cache.PutFaces("fusion", "abc", faces);
            cache.PutFaces("fusion", "none", []);
        }

        using var reopened = EmbeddingCache.Open(path);
        var back = reopened.GetFaces("fusion", "abc");
        Assert.NotNull(back);
        Assert.Equal(faces.Length, back.Count);
        for (var i = 0; i < faces.Length; i++)
        {
            Assert.Equal(faces[i].Box, back[i].Box);
            Assert.Equal(faces[i].Score, back[i].Score);
            Assert.Equal(faces[i].Embedding, back[i].Embedding);
        }
        Assert.Empty(reopened.GetFaces("fusion", "none")!);
        Assert.Null(reopened.GetFaces("fusion", "unknown"));
        Assert.Null(reopened.GetFaces("faceplugin", "abc"));
    }
}
