using System.Text.Json;
using OpenCvSharp;
using Visage.Tests.TestData;

namespace Visage.Tests.Cli;

/// <summary>
/// The visage command tried as a hostile user would: loops, pipes, signals, odd names, locked and read-only
/// galleries. Each case ends in a clear one-line error (or a clean result) and a gallery that is intact.
/// </summary>
[Collection(CliCollection.Name)]
public sealed class HostileInputTests(SingleFacePeopleFixture fixture) : IClassFixture<SingleFacePeopleFixture>, IDisposable
{
    private readonly TempFolder _temp = new();
    private readonly string[] _people = fixture.People.ToArray();

    public void Dispose() => _temp.Dispose();

    private string Db => _temp.File("gallery.db");

    private static readonly IReadOnlyDictionary<string, string> NoChange = new Dictionary<string, string>();

    private string PeopleFolder(string name = "people")
    {
        var folder = _temp.File(name);
        foreach (var person in _people)
        {
            Directory.CreateDirectory(Path.Combine(folder, person));
            File.Copy(Lfw.PhotosOf(person)[0], Path.Combine(folder, person, "1.jpg"));
        }
        return folder;
    }

    /// <summary>Many photos (NAME/NNNN.jpg) so that an enrolment runs long enough to be interrupted.</summary>
    private string ManyPhotos(int count)
    {
        var folder = _temp.File("many");
        foreach (var photo in Lfw.People().SelectMany(Lfw.PhotosOf).Take(count))
        {
            var person = Path.GetFileName(Path.GetDirectoryName(photo))!;
            Directory.CreateDirectory(Path.Combine(folder, person));
            File.Copy(photo, Path.Combine(folder, person, Path.GetFileName(photo)));
        }
        return folder;
    }

    private static string OneErrorLine(VisageCli.Result result)
    {
        var lines = result.Err.Split('\n', StringSplitOptions.RemoveEmptyEntries)
            .Where(l => l.StartsWith("visage: error:", StringComparison.Ordinal)).ToList();
        Assert.True(lines.Count == 1, result.ToString());
        Assert.DoesNotContain("   at ", result.Err);
        return lines[0];
    }

    [Fact]
    public async Task A_symlink_loop_in_an_enrolment_folder_is_reported_and_the_walk_ends()
    {
        var folder = PeopleFolder();
        File.CreateSymbolicLink(Path.Combine(folder, _people[0], "again"), folder);
        File.CreateSymbolicLink(Path.Combine(folder, _people[1], "self"), Path.Combine(folder, _people[1]));

        var result = await VisageCli.RunAsync("enroll", folder, "--db", Db, "--json");

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Equal(_people.Length, result.Json.GetProperty("enrolled").GetInt32());
        Assert.Contains("symbolic link loop", result.Err);
        GalleryFile.AssertIntact(Db, faces: _people.Length, people: _people.Length);
    }

    [Fact]
    public async Task A_gallery_opened_with_another_detector_input_names_the_flag_and_stays_as_it_was()
    {
        Assert.Equal(0, (await VisageCli.RunAsync("enroll", PeopleFolder(), "--db", Db)).ExitCode);
        var photo = Lfw.PhotosOf(_people[0])[1];

        var fitted = await VisageCli.RunAsync("identify", photo, "--db", Db, "--detector-input", "fit");
        Assert.Equal(1, fitted.ExitCode);
        Assert.Contains("use the same --model, --detector and --detector-input it was built with, or another --db", OneErrorLine(fitted));
        GalleryFile.AssertIntact(Db, faces: _people.Length, people: _people.Length);
    }

    [Fact]
    public async Task A_fifo_named_like_a_photo_is_refused_at_once_instead_of_blocking()
    {
        var fifo = _temp.File("x.jpg");
        using (var mkfifo = System.Diagnostics.Process.Start("mkfifo", [fifo])) mkfifo.WaitForExit();
        await VisageCli.RunAsync("enroll", PeopleFolder(), "--db", Db);

        var identify = await VisageCli.Start(NoChange, "identify", fifo, "--db", Db).WaitAsync(TimeSpan.FromMinutes(2));
        Assert.Contains("x.jpg: cannot read file (not a regular file", OneErrorLine(identify));
        Assert.Equal(1, identify.ExitCode);

        var folder = _temp.File("with-fifo");
        Directory.CreateDirectory(folder);
        File.Move(fifo, Path.Combine(folder, "Mallory.jpg"));
        File.Copy(Lfw.PhotosOf(_people[0])[0], Path.Combine(folder, _people[0] + ".jpg"));
        var enroll = await VisageCli.Start(NoChange, "enroll", folder, "--db", Db, "--json").WaitAsync(TimeSpan.FromMinutes(2));
        Assert.True(enroll.ExitCode == 0, enroll.ToString());
        Assert.Equal(1, enroll.Json.GetProperty("failed").GetInt32());
        Assert.Contains("Mallory.jpg: cannot read file (not a regular file", enroll.Err);
        GalleryFile.AssertIntact(Db, faces: _people.Length, people: _people.Length);
    }

    [Fact]
    public async Task A_folder_named_only_with_spaces_is_reported_and_the_others_are_enrolled()
    {
        var folder = PeopleFolder();
        Directory.CreateDirectory(Path.Combine(folder, "   "));
        File.Copy(Lfw.PhotosOf(_people[0])[1], Path.Combine(folder, "   ", "1.jpg"));

        var result = await VisageCli.RunAsync("enroll", folder, "--db", Db, "--json");

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Equal(_people.Length, result.Json.GetProperty("enrolled").GetInt32());
        var failed = result.Json.GetProperty("photos").EnumerateArray().Single(p => p.GetProperty("status").GetString() == "failed");
        Assert.Contains("is blank", failed.GetProperty("message").GetString());
        GalleryFile.AssertIntact(Db, faces: _people.Length, people: _people.Length);
    }

    [Fact]
    public async Task Names_with_escape_codes_are_refused_and_never_reach_the_terminal_raw()
    {
        var folder = PeopleFolder();
        var evil = "Eve\u001b[31m\u0007";
        Directory.CreateDirectory(Path.Combine(folder, evil));
        File.Copy(Lfw.PhotosOf(_people[0])[1], Path.Combine(folder, evil, "1.jpg"));

        var result = await VisageCli.RunAsync("enroll", folder, "--db", Db);

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.DoesNotContain('\u001b', result.Out + result.Err.Replace("\u001b[", "", StringComparison.Ordinal).Replace("\u001b]", ""));
        Assert.Contains("control or invisible character", result.Err);
        GalleryFile.AssertIntact(Db, faces: _people.Length, people: _people.Length);
    }

    [Fact]
    public async Task The_same_name_in_nfc_and_nfd_is_one_person()
    {
        var composed = "Jos\u00e9";
        var decomposed = "Jose\u0301";
        var first = _temp.File("first");
        var second = _temp.File("second");
        Directory.CreateDirectory(first);
        Directory.CreateDirectory(second);
        File.Copy(Lfw.PhotosOf(_people[0])[0], Path.Combine(first, composed + ".jpg"));
        File.Copy(Lfw.PhotosOf(_people[0])[1], Path.Combine(second, decomposed + ".jpg"));

        Assert.Equal(0, (await VisageCli.RunAsync("enroll", first, "--db", Db)).ExitCode);
        Assert.Equal(0, (await VisageCli.RunAsync("enroll", second, "--db", Db)).ExitCode);
        var list = await VisageCli.RunAsync("people", "list", "--db", Db, "--json");

        var person = Assert.Single(list.Json.GetProperty("people").EnumerateArray());
        Assert.Equal(composed, person.GetProperty("name").GetString());
        Assert.Equal(2, person.GetProperty("faces").GetInt32());
    }

    [Fact]
    public async Task A_tiny_pixel_limit_and_a_bad_number_are_one_line_usage_errors()
    {
        var photo = Lfw.PhotosOf(_people[0])[0];

        var tiny = await VisageCli.RunAsync("identify", photo, "--known", PeopleFolder(), "--max-megapixels", "0.0000001");
        Assert.Equal(2, tiny.ExitCode);
        Assert.Contains("--max-megapixels", OneErrorLine(tiny));

        var input = await VisageCli.RunAsync("verify", photo, photo, "--detector-input", "stretch");
        Assert.Equal(2, input.ExitCode);
        Assert.Contains("--detector-input: unknown way 'stretch' (use 'squeeze' or 'fit')", OneErrorLine(input));

        // A fitted input only UltraFace takes: with another detector it is refused, not silently ignored.
        var haar = await VisageCli.RunAsync("verify", photo, photo, "--detector", "haar", "--detector-input", "fit");
        Assert.Equal(2, haar.ExitCode);
        Assert.Contains("--detector-input: a fitted input is for UltraFace, a pack's own detector; the Haar detector sizes its own input", OneErrorLine(haar));
        var blazeFacePack = await VisageCli.RunAsync("verify", photo, photo, "--pack", "faceplugin-fast", "--detector-input", "fit");
        Assert.Equal(2, blazeFacePack.ExitCode);
        Assert.Contains("pack 'faceplugin-fast' (BlazeFace) sizes its own input", OneErrorLine(blazeFacePack));

        var word = await VisageCli.RunAsync("verify", photo, photo, "--threshold", "abc");
        Assert.Equal(2, word.ExitCode);
        Assert.Contains("--threshold: 'abc' is not a number", OneErrorLine(word));
        Assert.DoesNotContain("System.", word.Err);

        var both = await VisageCli.RunAsync("identify", photo, "--known", _temp.Path, "--db", Db);
        Assert.Equal(2, both.ExitCode);
        Assert.Contains("--known and --db/--store cannot be used together", OneErrorLine(both));
        Assert.DoesNotContain("Usage:", both.Out + both.Err);
    }

    [Fact]
    public async Task Two_enrolments_creating_the_same_new_gallery_at_once_both_succeed()
    {
        var first = PeopleFolder("first");
        var second = _temp.File("second");
        Directory.CreateDirectory(second);
        File.Copy(Lfw.PhotosOf(_people[0])[1], Path.Combine(second, _people[0] + ".jpg"));

        using var a = VisageCli.Start(NoChange, "enroll", first, "--db", Db);
        using var b = VisageCli.Start(NoChange, "enroll", second, "--db", Db);
        var results = await Task.WhenAll(a.WaitAsync(TimeSpan.FromMinutes(3)), b.WaitAsync(TimeSpan.FromMinutes(3)));

        Assert.All(results, r => Assert.True(r.ExitCode == 0, r.ToString()));
        GalleryFile.AssertIntact(Db, faces: _people.Length + 1, people: _people.Length);
    }

    [Fact]
    public async Task A_read_only_gallery_is_refused_before_any_photo_is_encoded()
    {
        await VisageCli.RunAsync("enroll", PeopleFolder(), "--db", Db);
        var before = File.ReadAllBytes(Db);
        var more = _temp.File("more");
        Directory.CreateDirectory(more);
        File.Copy(Lfw.PhotosOf(_people[0])[1], Path.Combine(more, "Newcomer.jpg"));

        using (new ReadOnlyFile(Db))
        {
            var result = await VisageCli.RunAsync("enroll", more, "--db", Db);
            Assert.Contains("gallery cannot be written", OneErrorLine(result));
            Assert.DoesNotContain("enrolling", result.Err);

            var identify = await VisageCli.RunAsync("identify", Lfw.PhotosOf(_people[0])[1], "--db", Db, "--json");
            Assert.True(identify.ExitCode == 0, identify.ToString());
        }
        Assert.Equal(before, File.ReadAllBytes(Db));
    }

    [Fact]
    public async Task A_gallery_another_process_is_writing_is_reported_as_locked_not_as_broken()
    {
        await VisageCli.RunAsync("enroll", PeopleFolder(), "--db", Db);
        var more = _temp.File("more");
        Directory.CreateDirectory(more);
        File.Copy(Lfw.PhotosOf(_people[0])[1], Path.Combine(more, "Newcomer.jpg"));
        using var other = new Microsoft.Data.Sqlite.SqliteConnection($"Data Source={Db};Pooling=False");
        other.Open();
        using var writing = other.BeginTransaction();
        using (var insert = other.CreateCommand())
        {
            insert.Transaction = writing;
            insert.CommandText = "INSERT INTO meta (key, value) VALUES ('held', 'by another process')";
            insert.ExecuteNonQuery();
        }

        var result = await VisageCli.RunAsync("enroll", more, "--db", Db);

        Assert.Contains("gallery is locked by another process", OneErrorLine(result));
        Assert.Equal(1, result.ExitCode);
        writing.Rollback();
        GalleryFile.AssertIntact(Db, faces: _people.Length, people: _people.Length);
    }

    [Fact]
    public async Task A_gallery_whose_rows_were_deleted_by_hand_gives_a_one_line_error()
    {
        await VisageCli.RunAsync("enroll", PeopleFolder(), "--db", Db);
        GalleryFile.Execute(Db, "DELETE FROM meta");
        var before = File.ReadAllBytes(Db);

        var result = await VisageCli.RunAsync("identify", Lfw.PhotosOf(_people[0])[1], "--db", Db);

        Assert.Contains("lost its model binding", OneErrorLine(result));
        Assert.Equal(before, File.ReadAllBytes(Db));
    }

    [Fact]
    public async Task One_sigterm_stops_an_enrolment_keeping_every_committed_batch_and_the_next_run_resumes()
    {
        var folder = ManyPhotos(240);
        using var running = VisageCli.Start(NoChange, "enroll", folder, "--db", Db, "--largest", "--batch-size", "20", "--json");
        await WaitForCommittedFacesAsync(running);

        running.Signal("TERM");
        var stopped = await running.WaitAsync(TimeSpan.FromSeconds(10));

        Assert.True(stopped.ExitCode == 143, stopped.ToString());
        Assert.Contains("visage: error: cancelled", stopped.Err);
        Assert.Equal("ok", GalleryFile.IntegrityCheck(Db));
        var kept = GalleryFile.Counts(Db).Faces;
        // A stop between photos prints what was kept; one that had to end the process mid-photo (a slow machine)
        // prints nothing more, and the batches committed before it are what the gallery holds either way.
        if (stopped.Out.Length > 0)
        {
            var report = JsonDocument.Parse(stopped.Out).RootElement;
            Assert.True(report.GetProperty("cancelled").GetBoolean());
            Assert.Equal(kept, report.GetProperty("enrolled").GetInt32());
        }

        var resumed = await VisageCli.RunAsync("enroll", folder, "--db", Db, "--largest", "--batch-size", "20", "--json");
        Assert.True(resumed.ExitCode == 0, resumed.ToString());
        Assert.Equal(kept, resumed.Json.GetProperty("alreadyEnrolled").GetInt32());
        Assert.Equal(kept + resumed.Json.GetProperty("enrolled").GetInt32(), GalleryFile.Counts(Db).Faces);
        Assert.Equal("ok", GalleryFile.IntegrityCheck(Db));
    }

    [Fact]
    public async Task A_killed_enrolment_keeps_its_committed_batches()
    {
        var folder = ManyPhotos(120);
        using var running = VisageCli.Start(NoChange, "enroll", folder, "--db", Db, "--largest", "--batch-size", "10");
        await WaitForCommittedFacesAsync(running);

        running.Signal("KILL");
        await running.WaitAsync(TimeSpan.FromSeconds(10));

        Assert.Equal("ok", GalleryFile.IntegrityCheck(Db));
        var kept = GalleryFile.Counts(Db).Faces;
        Assert.True(kept > 0);
        var resumed = await VisageCli.RunAsync("enroll", folder, "--db", Db, "--largest", "--json");
        Assert.True(resumed.ExitCode == 0, resumed.ToString());
        Assert.True(resumed.Json.GetProperty("alreadyEnrolled").GetInt32() >= kept);
        Assert.Empty(Directory.GetFiles(_temp.Path, "*.partial", SearchOption.AllDirectories));
    }

    /// <summary>Waits until the enrolment has committed a batch (the gallery file holds faces).</summary>
    private async Task WaitForCommittedFacesAsync(VisageCli.Running running)
    {
        for (var i = 0; i < 1200; i++)
        {
            await Task.Delay(100);
            try
            {
                if (File.Exists(Db) && GalleryFile.Counts(Db).Faces > 0) return;
            }
            catch (Microsoft.Data.Sqlite.SqliteException)
            {
                // Being created or written right now.
            }
        }
        running.Dispose();
        throw new TimeoutException("the enrolment committed nothing in two minutes");
    }
}
