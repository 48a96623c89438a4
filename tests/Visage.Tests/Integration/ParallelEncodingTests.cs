using Visage.Evaluation;
using Visage.Recognition;
using Visage.Tests.TestData;

namespace Visage.Tests.Integration;

/// <summary>Bulk encoding on every core gives exactly what one worker gives, in the same order.</summary>
[Collection(IntegrationCollection.Name)]
public sealed class ParallelEncodingTests(PipelineFixture fixture)
{
    [Fact]
    public void Encoding_LFW_photos_on_several_threads_equals_encoding_them_one_by_one()
    {
        var photos = LfwPairs.Read(SharedData.LfwPairsDevTest, SharedData.LfwImages)
            .Take(12).SelectMany(p => new[] { p.First, p.Second }).Distinct().ToList();
        var encoder = new SubjectEncoder(fixture.Pipeline);

        var alone = encoder.EncodeAll(photos, workers: 1);
        var together = encoder.EncodeAll(photos, workers: 4);

        Assert.Equal(photos, together.Select(e => e.Path));
        for (var i = 0; i < photos.Count; i++)
        {
            Assert.Equal(alone[i].Source, together[i].Source);
            Assert.Equal(alone[i].Embedding, together[i].Embedding);
        }
    }

    [Fact]
    public void An_unreadable_photo_fails_the_same_way_with_several_threads()
    {
        using var temp = new TempFolder();
        var photos = LfwPairs.Read(SharedData.LfwPairsDevTest, SharedData.LfwImages).Take(4).Select(p => p.First).ToList();
        photos.Insert(2, temp.Write("broken.jpg", [0xFF, 0xD8, 0xFF, 0x00]));
        photos.Add(temp.Write("empty.jpg", []));
        var encoder = new SubjectEncoder(fixture.Pipeline);

        var alone = Assert.ThrowsAny<VisageException>(() => encoder.EncodeAll(photos, workers: 1));
        var together = Assert.ThrowsAny<VisageException>(() => encoder.EncodeAll(photos, workers: 3));

        Assert.Equal(alone.Message, together.Message);
        Assert.Contains("broken.jpg", together.Message);
    }
}
