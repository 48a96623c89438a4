using System.Collections;
using System.Security.Cryptography;
using System.Text;
using Microsoft.Data.Sqlite;
using Visage.Storage;
using Visage.Tests.TestData;

namespace Visage.Tests.Storage;

public sealed class SqliteGalleryTests : IDisposable
{
    private const string Model = "test-model";
    private const int Dims = 4;

    private readonly TempFolder _temp = new();

    public void Dispose() => _temp.Dispose();

    private string GalleryPath => _temp.File("gallery.db");

    private static string Sha(string imageName) =>
        Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(imageName)));

    private static NewFace Face(string identity, string image, params float[] embedding) =>
        new(identity, embedding.Length == 0 ? [0.5f, -0.5f, 0.5f, -0.5f] : embedding, $"/photos/{image}.jpg", Sha(image));

    private static Task<SqliteGallery> Open(string path, string model = Model, int dims = Dims,
        GalleryOpenMode mode = GalleryOpenMode.CreateIfMissing) =>
        SqliteGallery.OpenAsync(path, new GalleryBinding(model, dims, null, null), mode);

    /// <summary>Row counts read through a separate connection, so identities without faces are seen too.</summary>
    private static (long Faces, long Identities) Counts(string path)
    {
        using var connection = new SqliteConnection(new SqliteConnectionStringBuilder
        {
            DataSource = path, Mode = SqliteOpenMode.ReadOnly, Pooling = false,
        }.ToString());
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT (SELECT COUNT(*) FROM faces), (SELECT COUNT(*) FROM identities)";
        using var reader = command.ExecuteReader();
        reader.Read();
        return (reader.GetInt64(0), reader.GetInt64(1));
    }

    private static void AssertBitExact(float[] expected, float[] actual)
    {
        Assert.Equal(expected.Select(BitConverter.SingleToInt32Bits), actual.Select(BitConverter.SingleToInt32Bits));
    }

    private string[] FolderListing() =>
        Directory.EnumerateFileSystemEntries(_temp.Path).Select(Path.GetFileName).Order(StringComparer.Ordinal).ToArray()!;

    [Fact]
    public async Task Added_faces_read_back_exactly()
    {
        float[] awkward = [-0f, float.Epsilon, BitConverter.Int32BitsToSingle(0x7FC0_1234), float.MaxValue];
        float[] plain = [0.1f, 0.2f, -0.3f, 1f / 3];
        float[] bobs = [1e-30f, -1e30f, float.NegativeInfinity, 0.7071068f];
        var before = DateTimeOffset.UtcNow;

        using var gallery = await Open(GalleryPath);
        Assert.Equal(GalleryPath, gallery.Location);
        Assert.Equal(Model, gallery.Binding.ModelId);
        Assert.Equal(Dims, gallery.Binding.Dimensions);
        Assert.Empty(await gallery.GetFacesAsync());

        NewFace[] faces = [Face("bob", "b1", bobs), Face("alice", "a1", awkward), Face("alice", "a2", plain)];
        var result = await gallery.AddAsync(faces);
        var after = DateTimeOffset.UtcNow;

        Assert.Equal(faces, result.Added.Select(a => a.Face));
        Assert.Empty(result.AlreadyEnrolled);

        var stored = await gallery.GetFacesAsync();
        Assert.Equal(["alice", "alice", "bob"], stored.Select(f => f.Identity));
        Assert.Equal(["/photos/a1.jpg", "/photos/a2.jpg", "/photos/b1.jpg"], stored.Select(f => f.SourcePath));
        Assert.Equal([Sha("a1"), Sha("a2"), Sha("b1")], stored.Select(f => f.ImageSha256));
        Assert.All(stored, f => Assert.InRange(f.AddedAt, before, after));
        Assert.Equal(3, stored.Select(f => f.Id).Distinct().Count());
        AssertBitExact(awkward, stored[0].Embedding);
        AssertBitExact(plain, stored[1].Embedding);
        AssertBitExact(bobs, stored[2].Embedding);

        Assert.Equal("alice", await gallery.FindImageAsync(Sha("a2")));
        Assert.Equal("bob", await gallery.FindImageAsync(Sha("b1")));
        Assert.Null(await gallery.FindImageAsync(Sha("never enrolled")));
    }

    [Fact]
    public async Task Same_image_added_again_is_reported_and_not_stored()
    {
        using var gallery = await Open(GalleryPath);
        await gallery.AddAsync([Face("alice", "photo1")]);

        var again = Face("bob", "photo1", 9, 9, 9, 9);
        var fresh = Face("carol", "photo2");
        var result = await gallery.AddAsync([again, fresh]);

        Assert.Equal([fresh], result.Added.Select(a => a.Face));
        var duplicate = Assert.Single(result.AlreadyEnrolled);
        Assert.Same(again, duplicate.Face);
        Assert.Equal("alice", duplicate.EnrolledAs);

        var stored = await gallery.GetFacesAsync();
        Assert.Equal(["alice", "carol"], stored.Select(f => f.Identity));
        AssertBitExact([0.5f, -0.5f, 0.5f, -0.5f], stored[0].Embedding);
        Assert.Equal((2L, 2L), Counts(GalleryPath));
    }

    [Fact]
    public async Task Same_image_twice_in_one_add_is_stored_once()
    {
        using var gallery = await Open(GalleryPath);

        var first = Face("alice", "photo1");
        var second = Face("bob", "photo1");
        var result = await gallery.AddAsync([first, second]);

        Assert.Equal([first], result.Added.Select(a => a.Face));
        var duplicate = Assert.Single(result.AlreadyEnrolled);
        Assert.Same(second, duplicate.Face);
        Assert.Equal("alice", duplicate.EnrolledAs);
        Assert.Equal(["alice"], (await gallery.GetFacesAsync()).Select(f => f.Identity));
        Assert.Equal((1L, 1L), Counts(GalleryPath));
    }

    [Fact]
    public async Task Gallery_persists_across_reopening()
    {
        float[] embedding = [0.25f, float.Epsilon, -0f, 3f];
        using (var gallery = await Open(GalleryPath))
            await gallery.AddAsync([Face("alice", "a1", embedding), Face("bob", "b1")]);

        using (var reopened = await Open(GalleryPath, mode: GalleryOpenMode.MustExistWritable))
        {
            var stored = await reopened.GetFacesAsync();
            Assert.Equal(["alice", "bob"], stored.Select(f => f.Identity));
            AssertBitExact(embedding, stored[0].Embedding);

            var result = await reopened.AddAsync([Face("alice", "a2"), Face("x", "b1")]);
            Assert.Single(result.Added);
            Assert.Equal("bob", Assert.Single(result.AlreadyEnrolled).EnrolledAs);
        }

        using var third = await Open(GalleryPath);
        Assert.Equal(["alice", "alice", "bob"], (await third.GetFacesAsync()).Select(f => f.Identity));
    }

    [Theory]
    [InlineData("other-model", Dims)]
    [InlineData(Model, 8)]
    [InlineData("other-model", 8)]
    public async Task Opening_with_another_model_is_refused_and_leaves_the_file_alone(string model, int dims)
    {
        using (var gallery = await Open(GalleryPath))
            await gallery.AddAsync([Face("alice", "a1")]);
        var bytes = File.ReadAllBytes(GalleryPath);
        var listing = FolderListing();

        foreach (var mode in new[] { GalleryOpenMode.CreateIfMissing, GalleryOpenMode.MustExist })
        {
            var error = await Assert.ThrowsAsync<GalleryException>(() => Open(GalleryPath, model, dims, mode));
            Assert.StartsWith(GalleryPath, error.Message);
            Assert.Contains($"'{Model}' ({Dims}-d)", error.Message);
            Assert.Contains($"'{model}' ({dims}-d)", error.Message);
        }

        Assert.Equal(bytes, File.ReadAllBytes(GalleryPath));
        Assert.Equal(listing, FolderListing());
        using var same = await Open(GalleryPath, mode: GalleryOpenMode.MustExist);
        Assert.Single(await same.GetFacesAsync());
    }

    [Fact]
    public async Task MustExist_on_a_missing_file_is_refused_and_creates_nothing()
    {
        var error = await Assert.ThrowsAsync<GalleryException>(() => Open(GalleryPath, mode: GalleryOpenMode.MustExist));

        Assert.StartsWith($"{GalleryPath}: no such gallery", error.Message);
        Assert.False(File.Exists(GalleryPath));
        Assert.Empty(FolderListing());
    }

    [Fact]
    public async Task Missing_folder_is_refused_and_not_created()
    {
        var path = Path.Combine(_temp.Path, "absent", "gallery.db");

        var error = await Assert.ThrowsAsync<GalleryException>(() => Open(path));

        Assert.StartsWith(path, error.Message);
        Assert.Contains("does not exist", error.Message);
        Assert.Empty(FolderListing());
    }

    public static TheoryData<string, byte[]> NotGalleries => new()
    {
        { "text", "name,embedding\nalice,0.1 0.2 0.3 0.4\n"u8.ToArray() },
        { "long text", Encoding.UTF8.GetBytes(string.Concat(Enumerable.Repeat("not a database at all. ", 2000))) },
        { "random bytes", RandomBytes(8192) },
    };

    [Fact]
    public async Task An_empty_file_is_not_a_gallery_to_read_but_becomes_one_when_enrolling()
    {
        // Creating a gallery starts with an empty owner-only file that a racing process may see: it must take it.
        var path = _temp.Write("gallery.db", []);

        var error = await Assert.ThrowsAsync<GalleryException>(() => Open(path, mode: GalleryOpenMode.MustExist));
        Assert.Equal(GalleryProblem.NotAGallery, error.Problem);
        Assert.Empty(File.ReadAllBytes(path));

        using var created = await Open(path);
        Assert.Empty(await created.GetFacesAsync());
    }

    [Theory]
    [MemberData(nameof(NotGalleries))]
    public async Task A_file_that_is_not_a_gallery_is_refused_and_left_alone(string kind, byte[] content)
    {
        var path = _temp.Write("gallery.db", content);

        foreach (var mode in new[] { GalleryOpenMode.CreateIfMissing, GalleryOpenMode.MustExist })
        {
            var error = await Assert.ThrowsAsync<GalleryException>(() => Open(path, mode: mode));
            Assert.Equal(GalleryProblem.NotAGallery, error.Problem);
            Assert.StartsWith(path, error.Message);
            Assert.Contains("not a", error.Message);
        }

        Assert.True(content.AsSpan().SequenceEqual(File.ReadAllBytes(path)), $"{kind} file was changed");
        Assert.Equal(["gallery.db"], FolderListing());
    }

    [Fact]
    public async Task An_SQLite_database_of_something_else_is_refused_and_left_alone()
    {
        var path = GalleryPath;
        using (var connection = new SqliteConnection($"Data Source={path};Pooling=False"))
        {
            connection.Open();
            using var command = connection.CreateCommand();
            command.CommandText = "CREATE TABLE recipes (name TEXT); INSERT INTO recipes VALUES ('soup');";
            command.ExecuteNonQuery();
        }
        var bytes = File.ReadAllBytes(path);

        var error = await Assert.ThrowsAsync<GalleryException>(() => Open(path));

        Assert.StartsWith($"{path}: not a Visage gallery", error.Message);
        Assert.Equal(bytes, File.ReadAllBytes(path));
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task A_folder_is_refused(bool create)
    {
        var mode = create ? GalleryOpenMode.CreateIfMissing : GalleryOpenMode.MustExist;
        var path = _temp.File("gallery.db");
        Directory.CreateDirectory(path);

        var error = await Assert.ThrowsAsync<GalleryException>(() => Open(path, mode: mode));

        Assert.Equal($"{path}: is a folder, not a gallery file", error.Message);
        Assert.Empty(Directory.EnumerateFileSystemEntries(path));
    }

    [Fact]
    public async Task Wrong_length_encoding_in_a_batch_adds_nothing()
    {
        using var gallery = await Open(GalleryPath);
        await gallery.AddAsync([Face("alice", "a1"), Face("bob", "b1")]);
        var before = await gallery.GetFacesAsync();
        var bytes = File.ReadAllBytes(GalleryPath);

        var error = await Assert.ThrowsAsync<ArgumentException>(() => gallery.AddAsync(
        [
            Face("carol", "c1"),
            Face("dave", "d1", 1, 2, 3),
            Face("erin", "e1"),
        ]));

        Assert.Contains("/photos/d1.jpg", error.Message);
        Assert.Contains("3 numbers", error.Message);
        Assert.Equal((2L, 2L), Counts(GalleryPath));
        Assert.Equal(before.Select(f => f.Id), (await gallery.GetFacesAsync()).Select(f => f.Id));
        Assert.Equal(bytes, File.ReadAllBytes(GalleryPath));
        Assert.Null(await gallery.FindImageAsync(Sha("c1")));
    }

    [Theory]
    [InlineData("")]
    [InlineData("  ")]
    public async Task Empty_identity_in_a_batch_adds_nothing(string identity)
    {
        using var gallery = await Open(GalleryPath);
        await gallery.AddAsync([Face("alice", "a1")]);

        await Assert.ThrowsAsync<ArgumentException>(() => gallery.AddAsync(
            [Face("carol", "c1"), Face(identity, "x1"), Face("erin", "e1")]));

        Assert.Equal((1L, 1L), Counts(GalleryPath));
    }

    [Fact]
    public async Task Cancelling_part_way_through_an_add_leaves_the_gallery_as_it_was()
    {
        using var gallery = await Open(GalleryPath);
        await gallery.AddAsync([Face("alice", "a1")]);
        var bytes = File.ReadAllBytes(GalleryPath);

        using var cts = new CancellationTokenSource();
        NewFace[] batch = [Face("bob", "b1"), Face("carol", "c1"), Face("dave", "d1"), Face("erin", "e1")];
        var faces = new CancelOnSecondVisit(batch, cts, index: 2);

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => gallery.AddAsync(faces, cts.Token));

        Assert.True(faces.Cancelled, "the add never reached the face it was to be cancelled at");
        Assert.Equal((1L, 1L), Counts(GalleryPath));
        Assert.Equal(["alice"], (await gallery.GetFacesAsync()).Select(f => f.Identity));
        Assert.Null(await gallery.FindImageAsync(Sha("b1")));
        Assert.Equal(bytes, File.ReadAllBytes(GalleryPath));

        var retry = await gallery.AddAsync(batch);
        Assert.Equal(4, retry.Added.Count);
        Assert.Empty(retry.AlreadyEnrolled);
    }

    [Fact]
    public async Task Adding_nothing_changes_nothing()
    {
        using var gallery = await Open(GalleryPath);

        var result = await gallery.AddAsync([]);

        Assert.Empty(result.Added);
        Assert.Empty(result.AlreadyEnrolled);
        Assert.Equal((0L, 0L), Counts(GalleryPath));
    }

    private static byte[] RandomBytes(int count)
    {
        var bytes = new byte[count];
        new Random(5).NextBytes(bytes);
        return bytes;
    }

    /// <summary>
    /// Faces that cancel a token the second time the face at <c>index</c> is visited. AddAsync checks every face
    /// before it opens its transaction, so the second visit comes while the earlier faces are already inserted.
    /// </summary>
    private sealed class CancelOnSecondVisit(IReadOnlyList<NewFace> faces, CancellationTokenSource cts, int index)
        : IReadOnlyList<NewFace>
    {
        private int _visits;

        public bool Cancelled { get; private set; }

        public int Count => faces.Count;

        public NewFace this[int i] => Visit(i);

        public IEnumerator<NewFace> GetEnumerator()
        {
            for (var i = 0; i < faces.Count; i++) yield return Visit(i);
        }

        IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();

        private NewFace Visit(int i)
        {
            if (i == index && ++_visits == 2)
            {
                cts.Cancel();
                Cancelled = true;
            }
            return faces[i];
        }
    }
}
