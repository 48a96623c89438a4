using System.Security.Cryptography;
using System.Text;
using Visage.Storage;

namespace Visage.Tests.Storage.Contract;

/// <summary>
/// What every gallery store promises, whatever holds it: each store's test class derives from this one and
/// says only how to open a gallery, so SQLite and PostgreSQL are held to the very same tests.
/// </summary>
public abstract class GalleryContractTests
{
    protected const string Model = "contract-model";
    protected const int Dims = 4;

    /// <summary>Opens (or creates) this test's one gallery, as a fresh process would.</summary>
    private protected abstract Task<IGallery> OpenAsync(string model = Model, int dims = Dims,
        GalleryOpenMode mode = GalleryOpenMode.CreateIfMissing);

    /// <summary>Opens a gallery that does not exist, as the store names such a thing.</summary>
    private protected abstract Task<IGallery> OpenMissingAsync();

    protected static string Sha(string image) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(image)));

    private protected static NewFace Face(string identity, string image, params float[] embedding) =>
        new(identity, embedding.Length == 0 ? [0.5f, -0.5f, 0.5f, -0.5f] : embedding, $"/photos/{image}.jpg", Sha(image));

    private static void AssertBitExact(float[] expected, float[] actual) =>
        Assert.Equal(expected.Select(BitConverter.SingleToInt32Bits), actual.Select(BitConverter.SingleToInt32Bits));

    [Fact]
    public async Task Faces_read_back_exactly_ordered_by_name_then_enrolment()
    {
        float[] awkward = [-0f, float.Epsilon, BitConverter.Int32BitsToSingle(0x7FC0_1234), float.MaxValue];
        float[] plain = [0.1f, 0.2f, -0.3f, 1f / 3];
        float[] bobs = [1e-30f, -1e30f, float.NegativeInfinity, 0.7071068f];
        var before = DateTimeOffset.UtcNow.AddSeconds(-1);
        using (var gallery = await OpenAsync())
        {
            Assert.Equal(Model, gallery.Binding.ModelId);
            Assert.Equal(Dims, gallery.Binding.Dimensions);
            Assert.Empty(await gallery.GetFacesAsync());
            NewFace[] faces = [Face("bob", "b1", bobs), Face("alice", "a1", awkward), Face("Zoë", "z1"), Face("alice", "a2", plain)];
            var result = await gallery.AddAsync(faces);
            Assert.Equal(faces, result.Added.Select(a => a.Face));
            Assert.Empty(result.AlreadyEnrolled);
        }

        using var reopened = await OpenAsync(mode: GalleryOpenMode.MustExist);
        var stored = await reopened.GetFacesAsync();
        // Names in ordinal (byte) order, as the matcher breaks ties: upper case before lower, ASCII before ë.
        Assert.Equal(["Zoë", "alice", "alice", "bob"], stored.Select(f => f.Identity));
        Assert.Equal(["/photos/z1.jpg", "/photos/a1.jpg", "/photos/a2.jpg", "/photos/b1.jpg"], stored.Select(f => f.SourcePath));
        Assert.Equal([Sha("z1"), Sha("a1"), Sha("a2"), Sha("b1")], stored.Select(f => f.ImageSha256));
        AssertBitExact(awkward, stored[1].Embedding);
        AssertBitExact(plain, stored[2].Embedding);
        AssertBitExact(bobs, stored[3].Embedding);
        Assert.True(stored[1].Id < stored[2].Id);
        Assert.Equal(4, stored.Select(f => f.Id).Distinct().Count());
        Assert.All(stored, f => Assert.InRange(f.AddedAt, before, DateTimeOffset.UtcNow.AddSeconds(1)));
    }

    [Fact]
    public async Task An_image_is_enrolled_once_by_its_SHA256_whatever_name_it_comes_with()
    {
        using var gallery = await OpenAsync();
        await gallery.AddAsync([Face("alice", "a1")]);

        var again = await gallery.AddAsync([Face("mallory", "a1"), Face("bob", "b1"), Face("bob", "b1")]);

        Assert.Equal([("bob", Sha("b1"))], again.Added.Select(f => (f.Face.Identity, f.Face.ImageSha256)));
        Assert.Equal([("mallory", Sha("a1"), "alice"), ("bob", Sha("b1"), "bob")],
            again.AlreadyEnrolled.Select(d => (d.Face.Identity, d.Face.ImageSha256, d.EnrolledAs)));
        var stored = await gallery.GetFacesAsync();
        Assert.Equal(["alice", "bob"], stored.Select(f => f.Identity));
        Assert.Equal("alice", await gallery.FindImageAsync(Sha("a1")));
        Assert.Null(await gallery.FindImageAsync(Sha("never")));
    }

    [Fact]
    public async Task A_batch_with_a_bad_face_stores_nothing()
    {
        using var gallery = await OpenAsync();
        await gallery.AddAsync([Face("alice", "a1")]);

        await Assert.ThrowsAsync<ArgumentException>(() => gallery.AddAsync([Face("bob", "b1"), Face("carol", "c1", 1, 2, 3)]));
        await Assert.ThrowsAsync<ArgumentException>(() => gallery.AddAsync([Face("bob", "b1"), Face(" ", "c1")]));

        Assert.Equal(["alice"], (await gallery.GetFacesAsync()).Select(f => f.Identity));
        Assert.Null(await gallery.FindImageAsync(Sha("b1")));
    }

    [Fact]
    public async Task A_gallery_is_bound_to_the_model_that_encoded_it()
    {
        using (var gallery = await OpenAsync()) await gallery.AddAsync([Face("alice", "a1")]);

        var otherModel = await Assert.ThrowsAsync<GalleryException>(() => OpenAsync(model: "other-model"));
        Assert.Contains("contract-model", otherModel.Message);
        Assert.Contains("other-model", otherModel.Message);
        var otherWidth = await Assert.ThrowsAsync<GalleryException>(() => OpenAsync(dims: Dims + 1));
        Assert.Contains($"{Dims}-d", otherWidth.Message);

        using var again = await OpenAsync();
        Assert.Single(await again.GetFacesAsync());
    }

    [Fact]
    public async Task Opening_a_gallery_that_must_exist_and_does_not_is_a_clear_error()
    {
        var error = await Assert.ThrowsAsync<GalleryException>(OpenMissingAsync);
        Assert.DoesNotContain('\n', error.Message);
    }

    [Fact]
    public async Task The_calibrated_threshold_is_kept_with_its_note()
    {
        using (var gallery = await OpenAsync())
        {
            Assert.Null(await gallery.GetThresholdAsync());
            await gallery.SetThresholdAsync(new GalleryThreshold(0.5f, "first"));
            await gallery.SetThresholdAsync(new GalleryThreshold(0.61234567f, "FAR 1e-3 on 40 people"));
            await Assert.ThrowsAnyAsync<VisageException>(() => gallery.SetThresholdAsync(new GalleryThreshold(0, "")));
            await Assert.ThrowsAnyAsync<VisageException>(() => gallery.SetThresholdAsync(new GalleryThreshold(float.NaN, "")));
        }
        using var reopened = await OpenAsync();
        Assert.Equal(new GalleryThreshold(0.61234567f, "FAR 1e-3 on 40 people"), await reopened.GetThresholdAsync());
    }

    [Fact]
    public async Task The_stamp_changes_with_every_change_to_faces_and_names_and_the_index_read_agrees_with_it()
    {
        using var gallery = await OpenAsync();
        var stamps = new List<string> { await gallery.GetStampAsync() };
        async Task Changed()
        {
            var stamp = await gallery.GetStampAsync();
            Assert.DoesNotContain(stamp, stamps);
            stamps.Add(stamp);
        }
        await gallery.AddAsync([Face("alice", "a1", 1, 0, 0, 0), Face("bob", "b1", 0, 1, 0, 0), Face("bob", "b2", 0, 0, 1, 0)]);
        await Changed();
        await gallery.RenamePersonAsync("bob", "robert");
        await Changed();
        await gallery.AddAsync([Face("carol", "c1", 0, 0, 0, 1)]);
        await Changed();
        await gallery.MergePeopleAsync("carol", "alice");
        await Changed();
        var faces = await gallery.GetFacesAsync();
        Assert.True(await gallery.DeleteFaceAsync(faces.First(f => f.Identity == "robert").Id));
        await Changed();
        await gallery.DeletePersonAsync("alice");
        await Changed();
        Assert.True(await gallery.CreatePersonAsync("dave"));
        Assert.False(await gallery.CreatePersonAsync("dave"));
        Assert.Contains("dave", (await gallery.ListPeopleAsync()).Select(p => p.Name));

        // Nothing changed, nothing new: the stamp is the same read twice, and the one the index read comes with.
        var now = await gallery.GetStampAsync();
        Assert.Equal(now, await gallery.GetStampAsync());
        var (indexed, stamp) = await gallery.ReadIndexFacesAsync();
        Assert.Equal(now, stamp);
        var left = Assert.Single(indexed);
        Assert.Equal("robert", left.Identity);
        Assert.Equal([0f, 0, 1, 0], left.Embedding);
        Assert.Equal((await gallery.GetFacesAsync()).Single().Id, left.Id);
    }
}
