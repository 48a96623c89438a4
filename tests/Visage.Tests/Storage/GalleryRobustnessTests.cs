using System.Runtime.InteropServices;
using System.Security.Cryptography;
using System.Text;
using Microsoft.Data.Sqlite;
using Visage.Storage;
using Visage.Tests.TestData;

namespace Visage.Tests.Storage;

/// <summary>
/// A gallery people can trust with their faces: created safely by racing processes, locked and read-only files
/// told apart from broken ones, erased data gone from the file, owner-only permissions.
/// </summary>
public sealed class GalleryRobustnessTests : IDisposable
{
    private static readonly GalleryBinding Binding = new("test-model", 4, "0123456789abcdef", "test-model with no detector");
    private readonly TempFolder _temp = new();

    public void Dispose() => _temp.Dispose();

    private string GalleryPath => _temp.File("gallery.db");

    private static NewFace Face(string identity, string image, float seed = 0.5f) =>
        new(identity, [seed, -seed, seed / 2, 0.25f], $"/photos/{image}.jpg",
            Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(image))), Crop: Encoding.UTF8.GetBytes($"JPEG of {image}"));

    private static Task<SqliteGallery> Open(string path, GalleryOpenMode mode = GalleryOpenMode.CreateIfMissing,
        TimeSpan? lockTimeout = null) => SqliteGallery.OpenAsync(path, Binding, mode, lockTimeout);

    [Fact]
    public async Task Several_processes_creating_the_same_new_gallery_at_once_all_succeed()
    {
        // Each open is its own connection, as separate processes would have; they race to create the schema.
        var opens = Enumerable.Range(0, 8).Select(_ => Task.Run(() => Open(GalleryPath))).ToList();
        var galleries = await Task.WhenAll(opens);
        try
        {
            for (var i = 0; i < galleries.Length; i++)
                await galleries[i].AddAsync([Face($"person{i}", $"photo{i}")]);
        }
        finally
        {
            foreach (var gallery in galleries) gallery.Dispose();
        }

        GalleryFile.AssertIntact(GalleryPath, faces: 8, people: 8);
    }

    [Fact]
    public async Task A_gallery_locked_by_another_writer_is_reported_as_locked_not_as_broken()
    {
        using (var gallery = await Open(GalleryPath)) await gallery.AddAsync([Face("Ada", "a1")]);
        using var other = new SqliteConnection($"Data Source={GalleryPath};Pooling=False");
        other.Open();
        using var writing = other.BeginTransaction();
        using (var insert = other.CreateCommand())
        {
            insert.Transaction = writing;
            insert.CommandText = "INSERT INTO meta (key, value) VALUES ('held', 'by another process')";
            insert.ExecuteNonQuery();
        }

        var error = await Assert.ThrowsAsync<GalleryException>(() => Open(GalleryPath, lockTimeout: TimeSpan.FromSeconds(1)));

        Assert.Equal(GalleryProblem.Locked, error.Problem);
        Assert.StartsWith($"{GalleryPath}: gallery is locked by another process (waited 1 s", error.Message);
        writing.Rollback();
        other.Close();
        GalleryFile.AssertIntact(GalleryPath, faces: 1, people: 1);
    }

    [Fact]
    public async Task A_read_only_gallery_is_refused_for_writing_before_anything_is_done_and_read_for_reading()
    {
        using (var gallery = await Open(GalleryPath)) await gallery.AddAsync([Face("Ada", "a1")]);
        var before = File.ReadAllBytes(GalleryPath);

        using (new ReadOnlyFile(GalleryPath))
        {
            var error = await Assert.ThrowsAsync<GalleryException>(() => Open(GalleryPath));
            Assert.Equal(GalleryProblem.ReadOnly, error.Problem);
            Assert.StartsWith($"{GalleryPath}: gallery cannot be written", error.Message);

            using var reading = await Open(GalleryPath, GalleryOpenMode.MustExist);
            Assert.Equal(["Ada"], (await reading.GetFacesAsync()).Select(f => f.Identity));
        }

        Assert.Equal(before, File.ReadAllBytes(GalleryPath));
    }

    [Fact]
    public async Task A_gallery_in_a_read_only_folder_is_refused_for_writing()
    {
        var folder = Directory.CreateDirectory(_temp.File("locked-folder")).FullName;
        var path = Path.Combine(folder, "gallery.db");
        using (var gallery = await Open(path)) await gallery.AddAsync([Face("Ada", "a1")]);

        using (new ReadOnlyFile(folder))
        {
            // SQLite writes its journal beside the file: a folder that cannot take it makes the gallery unwritable.
            var error = await Assert.ThrowsAsync<GalleryException>(() => Open(path));
            Assert.Equal(GalleryProblem.ReadOnly, error.Problem);
        }
        GalleryFile.AssertIntact(path, faces: 1, people: 1);
    }

    [Fact]
    public async Task Rows_deleted_by_hand_give_a_clear_error_or_keep_working_never_a_crash()
    {
        using (var gallery = await Open(GalleryPath))
            await gallery.AddAsync([Face("Ada", "a1"), Face("Bob", "b1", 0.3f)]);

        // People removed by hand, with SQLite's default of no foreign keys: their faces are orphans.
        GalleryFile.Execute(GalleryPath, "PRAGMA foreign_keys = OFF; DELETE FROM identities WHERE name = 'Bob'");
        using (var gallery = await Open(GalleryPath))
        {
            Assert.Equal(["Ada"], (await gallery.GetFacesAsync()).Select(f => f.Identity));
            Assert.Equal(["Ada"], (await gallery.ListPeopleAsync()).Select(p => p.Name));
            await gallery.AddAsync([Face("Cy", "c1")]);
        }

        // The binding removed: the file no longer says which model made it.
        GalleryFile.Execute(GalleryPath, "DELETE FROM meta");
        var error = await Assert.ThrowsAsync<GalleryException>(() => Open(GalleryPath));
        Assert.Equal(GalleryProblem.Damaged, error.Problem);
        Assert.Contains("lost its model binding", error.Message);
        Assert.Equal("ok", GalleryFile.IntegrityCheck(GalleryPath));
    }

    [Fact]
    public async Task Files_that_are_not_galleries_are_told_apart_from_locked_ones()
    {
        var text = _temp.Write("notes.db", Encoding.UTF8.GetBytes("shopping list"));
        var other = _temp.File("other.db");
        GalleryFile.Execute(other, "CREATE TABLE songs (title TEXT)");

        Assert.Equal(GalleryProblem.NotAGallery, (await Assert.ThrowsAsync<GalleryException>(() => Open(text))).Problem);
        Assert.Equal(GalleryProblem.NotAGallery, (await Assert.ThrowsAsync<GalleryException>(() => Open(other))).Problem);
        Assert.Equal("shopping list", File.ReadAllText(text));
    }

    [Fact]
    public async Task A_new_gallery_is_readable_by_its_owner_only()
    {
        if (OperatingSystem.IsWindows()) return;
        using (var gallery = await Open(GalleryPath)) await gallery.AddAsync([Face("Ada", "a1")]);

        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(GalleryPath));
    }

    [Fact]
    public async Task Deleting_a_person_erases_their_encodings_and_crops_from_the_file_itself()
    {
        var ada = Face("Ada", "a1", 0.123456f);
        var bob = Face("Bob", "b1", 0.654321f);
        using (var gallery = await Open(GalleryPath))
        {
            await gallery.AddAsync([ada, bob]);
            Assert.True(Contains(File.ReadAllBytes(GalleryPath), MemoryMarshal.AsBytes(ada.Embedding.AsSpan()).ToArray()));

            Assert.Equal(1, await gallery.DeletePersonAsync("Ada"));
            Assert.Equal(["Bob"], (await gallery.ListPeopleAsync()).Select(p => p.Name));
        }

        var bytes = File.ReadAllBytes(GalleryPath);
        Assert.False(Contains(bytes, MemoryMarshal.AsBytes(ada.Embedding.AsSpan()).ToArray()), "Ada's encoding is still in the file");
        Assert.False(Contains(bytes, ada.Crop!), "Ada's face crop is still in the file");
        Assert.False(Contains(bytes, Encoding.UTF8.GetBytes(ada.ImageSha256)), "Ada's photo hash is still in the file");
        Assert.True(Contains(bytes, MemoryMarshal.AsBytes(bob.Embedding.AsSpan()).ToArray()));
        GalleryFile.AssertIntact(GalleryPath, faces: 1, people: 1);
    }

    [Fact]
    public async Task Rename_merge_and_delete_refuse_what_cannot_be_done_and_change_nothing()
    {
        using var gallery = await Open(GalleryPath);
        await gallery.AddAsync([Face("Ada", "a1"), Face("Ada", "a2", 0.2f), Face("Bob", "b1", 0.3f)]);

        Assert.False((await Assert.ThrowsAsync<PersonException>(() => gallery.RenamePersonAsync("Cy", "Dan"))).Exists);
        Assert.True((await Assert.ThrowsAsync<PersonException>(() => gallery.RenamePersonAsync("Ada", "Bob"))).Exists);
        await Assert.ThrowsAsync<PersonException>(() => gallery.DeletePersonAsync("Cy"));
        await Assert.ThrowsAsync<PersonException>(() => gallery.MergePeopleAsync("Ada", "Cy"));
        GalleryFile.AssertIntact(GalleryPath, faces: 3, people: 2);

        var merged = await gallery.MergePeopleAsync("Bob", "Ada");
        Assert.Equal(("Ada", 3), (merged.Name, merged.Faces));
        var renamed = await gallery.RenamePersonAsync("Ada", "Ada Lovelace");
        Assert.Equal(3, renamed.Faces);
        Assert.Equal(["Ada Lovelace"], (await gallery.GetFacesAsync()).Select(f => f.Identity).Distinct());
        GalleryFile.AssertIntact(GalleryPath, faces: 3, people: 1);
    }

    [Fact]
    public async Task A_gallery_made_before_fingerprints_is_migrated_and_keeps_its_faces()
    {
        GalleryFile.Execute(GalleryPath, """
            CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
            CREATE TABLE identities (id INTEGER PRIMARY KEY, name TEXT NOT NULL UNIQUE, created_at TEXT NOT NULL);
            CREATE TABLE faces (id INTEGER PRIMARY KEY, identity_id INTEGER NOT NULL REFERENCES identities(id) ON DELETE CASCADE,
                model_id TEXT NOT NULL, embedding BLOB NOT NULL, source_path TEXT NOT NULL, image_sha256 TEXT NOT NULL UNIQUE,
                added_at TEXT NOT NULL);
            INSERT INTO meta VALUES ('schema_version', '1'), ('model_id', 'test-model'), ('dimensions', '4');
            INSERT INTO identities VALUES (1, 'Ada', '2026-11-01T00:00:00Z');
            INSERT INTO faces VALUES (1, 1, 'test-model', x'0000803F000000000000000000000000', '/a.jpg', 'abc', '2026-11-01T00:00:00Z');
            """);

        using (var gallery = await Open(GalleryPath))
        {
            Assert.Equal(Binding.FingerprintId, gallery.Binding.FingerprintId);
            var face = Assert.Single(await gallery.GetFacesAsync());
            Assert.Equal(("Ada", 1f), (face.Identity, face.Embedding[0]));
            await gallery.AddAsync([Face("Bob", "b1")]);
        }
        var another = Binding with { FingerprintId = "fedcba9876543210", Pipeline = "test-model with another detector" };
        var error = await Assert.ThrowsAsync<GalleryException>(() => SqliteGallery.OpenAsync(GalleryPath, another));
        Assert.Equal(GalleryProblem.WrongPipeline, error.Problem);
        Assert.Contains("test-model with no detector", error.Message);
        GalleryFile.AssertIntact(GalleryPath, faces: 2, people: 2);
    }

    private static bool Contains(byte[] haystack, byte[] needle) => haystack.AsSpan().IndexOf(needle) >= 0;
}
