using System.Net;
using System.Text.Json;
using OpenCvSharp;
using Visage.Server.Security;
using Visage.Server.Strangers;
using Visage.Tests.TestData;

namespace Visage.Tests.Server;

/// <summary>
/// The strangers over the real HTTP pipeline: LFW people uploaded to recognize one photo at a time are grouped
/// into one group each; naming a group enrolls exactly its faces, and the next recognize names them; merge,
/// split and undo (a naming's undo takes its faces back out of the gallery); roles; the bounds on the store.
/// </summary>
[Collection(ServiceCollection.Name)]
public sealed class StrangersApiTests(ServiceRecognizerFixture fixture) : IDisposable
{
    private readonly ServiceHost _host = new(fixture.Recognizer);
    private FaceRecognizer Recognizer => fixture.Recognizer;

    public void Dispose() => _host.Dispose();

    /// <summary>Three LFW people with four single-face photos each: three are uploaded, the fourth kept back.</summary>
    private IReadOnlyList<(string Person, IReadOnlyList<string> Photos)> Lfw3 => ServicePhotos.People(Recognizer, 3, 4);

    /// <summary>Uploads the first three photos of each person to recognize, taking the people in turn.</summary>
    private async Task UploadStrangersAsync(HttpClient client)
    {
        for (var photo = 0; photo < 3; photo++)
            foreach (var (_, photos) in Lfw3)
            {
                var answer = await (await client.PostAsync("/api/recognize", Http.Photos("image", photos[photo]))).JsonAsync();
                var face = answer.GetProperty("faces").EnumerateArray().Single();
                Assert.False(face.GetProperty("known").GetBoolean());
            }
    }

    private async Task<JsonElement> StrangersAsync() => await (await _host.Admin().GetAsync("/api/strangers")).JsonAsync();

    /// <summary>Each group as the LFW people its faces came from (the file name is in each face's image label).</summary>
    private List<(long Cluster, List<string> People, List<long> Faces)> Groups(JsonElement strangers) =>
        strangers.GetProperty("groups").EnumerateArray().Select(g => (
            g.GetProperty("cluster").GetInt64(),
            g.GetProperty("faces").EnumerateArray().Select(f => PersonOf(f.GetProperty("image").GetString()!)).ToList(),
            g.GetProperty("faces").EnumerateArray().Select(f => f.GetProperty("faceId").GetInt64()).ToList())).ToList();

    private string PersonOf(string image) => Lfw3.Single(p => p.Photos.Any(photo => image.Contains(Path.GetFileName(photo)))).Person;

    private (long Cluster, List<string> People, List<long> Faces) GroupOf(JsonElement strangers, string person) =>
        Groups(strangers).Single(g => g.People.Contains(person));

    [Fact]
    public async Task Strangers_uploaded_one_photo_at_a_time_are_grouped_one_group_per_person_and_kept_once()
    {
        var admin = _host.Admin();
        await UploadStrangersAsync(admin);
        // The same photo again is the same face: kept once.
        await admin.PostAsync("/api/recognize", Http.Photos("image", Lfw3[0].Photos[0]));

        var strangers = await StrangersAsync();
        Assert.Equal(Recognizer.Fingerprint.Id, strangers.GetProperty("fingerprint").GetString());
        Assert.Equal("average_linkage", strangers.GetProperty("clustering").GetProperty("method").GetString());
        Assert.Equal(Recognizer.ModelThreshold * 0.9f, strangers.GetProperty("clustering").GetProperty("distance").GetSingle(), 3);
        Assert.Equal(9, strangers.GetProperty("faces").GetInt32());
        Assert.Equal(0, strangers.GetProperty("unassigned").GetInt32());
        var groups = Groups(strangers);
        Assert.Equal(3, groups.Count);
        foreach (var (person, _) in Lfw3)
            Assert.Equal(Enumerable.Repeat(person, 3), GroupOf(strangers, person).People);
        Assert.True(strangers.GetProperty("undo").ValueKind == JsonValueKind.Null);

        // Each face's crop is a small JPEG; the thumbnail is one of the group's faces.
        var group = strangers.GetProperty("groups")[0];
        Assert.Equal(3, group.GetProperty("sightings").GetInt32());
        var thumbnail = group.GetProperty("thumbnailFaceId").GetInt64();
        Assert.Contains(thumbnail, Groups(strangers)[0].Faces);
        var crop = await admin.GetAsync($"/api/strangers/faces/{thumbnail}/crop");
        Assert.Equal("image/jpeg", crop.Content.Headers.ContentType?.MediaType);
        using (var image = Cv2.ImDecode(await crop.Content.ReadAsByteArrayAsync(), ImreadModes.Color))
            Assert.True(image.Width is > 20 and <= 160);

        // A live frame's stranger joins the group of that person too.
        var frame = await admin.PostAsync("/api/live/frame?session=door", Http.Photos("image", Lfw3[2].Photos[3]));
        Assert.Equal(HttpStatusCode.OK, frame.StatusCode);
        strangers = await StrangersAsync();
        Assert.Equal(10, strangers.GetProperty("faces").GetInt32());
        var seen = strangers.GetProperty("groups").EnumerateArray()
            .Single(g => g.GetProperty("faces").GetArrayLength() == 4).GetProperty("faces").EnumerateArray()
            .Select(f => f.GetProperty("image").GetString()!).ToList();
        Assert.All(seen, image => Assert.Equal(Lfw3[2].Person, PersonOf(image)));
        Assert.Single(seen, image => image.StartsWith("live view image '"));
        Assert.Equal(3, seen.Count(image => image.StartsWith("upload image '")));
        groups = Groups(strangers);

        // Kept in the data folder: a service opened again on it finds the same groups.
        var again = Strangers.Open(_host.Service.DataFolder, _host.Service.People);
        using (again)
        {
            var reopened = await again.ListAsync();
            Assert.Equal(groups.Select(g => g.Faces.Order().ToList()).OrderBy(f => f[0]).Select(f => string.Join(',', f)),
                reopened.Groups.Select(g => g.Faces.Select(f => f.FaceId).Order().ToList()).OrderBy(f => f[0]).Select(f => string.Join(',', f)));
        }
    }

    [Fact]
    public async Task Naming_a_group_enrolls_exactly_its_faces_and_the_next_recognize_names_them_and_undo_takes_them_back()
    {
        var admin = _host.Admin();
        await UploadStrangersAsync(admin);
        var (person, photos) = Lfw3[0];
        var before = GroupOf(await StrangersAsync(), person);

        var named = await (await admin.PostJsonAsync($"/api/strangers/{before.Cluster}/name", new { person = "Ada Lovelace" })).JsonAsync();
        Assert.Equal("named", named.GetProperty("change").GetString());
        Assert.True(named.GetProperty("personCreated").GetBoolean());
        Assert.Equal(3, named.GetProperty("person").GetProperty("faces").GetInt32());
        var enrolled = named.GetProperty("enrolled").EnumerateArray().Select(e => e.GetInt64()).Order().ToList();

        // Exactly the group's faces: three, the same encodings, nobody else's.
        var faces = (await (await admin.GetAsync("/api/people/Ada Lovelace/faces")).JsonAsync()).GetProperty("faces")
            .EnumerateArray().ToList();
        Assert.Equal(enrolled, faces.Select(f => f.GetProperty("faceId").GetInt64()).Order());
        var gallery = _host.Service.People.Faces("Ada Lovelace");
        foreach (var photo in photos.Take(3))
        {
            using var image = await Recognizer.ReadImageAsync(photo);
            var encoding = Recognizer.FindOne(image).Embedding;
            Assert.Contains(gallery, f => System.Numerics.Tensors.TensorPrimitives.Distance(f.Embedding, encoding) < 1e-4f);
        }
        Assert.Equal(1, (await (await admin.GetAsync("/api/people")).JsonAsync()).GetProperty("people").GetArrayLength());

        var strangers = await StrangersAsync();
        Assert.Equal(2, Groups(strangers).Count);
        Assert.DoesNotContain(Groups(strangers), g => g.People.Contains(person));
        Assert.Equal("named", strangers.GetProperty("undo").GetString());

        // The fourth photo, never uploaded: recognised by the name given.
        var answer = await (await admin.PostAsync("/api/recognize", Http.Photos("image", photos[3]))).JsonAsync();
        Assert.Equal("Ada Lovelace", answer.GetProperty("faces")[0].GetProperty("person").GetString());

        // Undo: the faces leave the gallery (and the person naming created), and are strangers again.
        var undone = await (await admin.PostAsync("/api/strangers/undo", null)).JsonAsync();
        Assert.Equal("named", undone.GetProperty("undone").GetString());
        Assert.Equal(3, undone.GetProperty("facesRemoved").GetInt32());
        Assert.Equal(0, (await (await admin.GetAsync("/api/people")).JsonAsync()).GetProperty("people").GetArrayLength());
        var back = GroupOf(await StrangersAsync(), person);
        Assert.Equal(before.Cluster, back.Cluster);
        Assert.Equal(before.People, back.People);
        answer = await (await admin.PostAsync("/api/recognize", Http.Photos("image", photos[3]))).JsonAsync();
        Assert.False(answer.GetProperty("faces")[0].GetProperty("known").GetBoolean());

        // Naming into someone enrolled already adds to them and leaves them there on undo.
        var other = Lfw3[1];
        var response = await admin.PostAsync("/api/people/Grace/faces", Http.Photos("photos", other.Photos[3]));
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        var group = GroupOf(await StrangersAsync(), other.Person);
        named = await (await admin.PostJsonAsync($"/api/strangers/{group.Cluster}/name", new { person = "Grace" })).JsonAsync();
        Assert.False(named.GetProperty("personCreated").GetBoolean());
        Assert.Equal(4, named.GetProperty("person").GetProperty("faces").GetInt32());
        await admin.PostAsync("/api/strangers/undo", null);
        var grace = (await (await admin.GetAsync("/api/people/Grace")).JsonAsync());
        Assert.Equal(1, grace.GetProperty("faces").GetInt32());
    }

    [Fact]
    public async Task Merge_and_split_change_the_groups_and_undo_takes_each_back_newest_first()
    {
        var admin = _host.Admin();
        await UploadStrangersAsync(admin);
        var start = await StrangersAsync();
        var a = GroupOf(start, Lfw3[0].Person);
        var b = GroupOf(start, Lfw3[1].Person);

        var merged = await (await admin.PostJsonAsync($"/api/strangers/{a.Cluster}/merge", new { into = b.Cluster })).JsonAsync();
        Assert.Equal("merged", merged.GetProperty("change").GetString());
        Assert.Equal(b.Cluster, merged.GetProperty("group").GetProperty("cluster").GetInt64());
        Assert.Equal(6, merged.GetProperty("group").GetProperty("faces").GetArrayLength());
        Assert.Equal(2, Groups(await StrangersAsync()).Count);

        var face = b.Faces[1];
        var split = await (await admin.PostJsonAsync($"/api/strangers/{b.Cluster}/split", new { faceId = face })).JsonAsync();
        Assert.Equal("split", split.GetProperty("change").GetString());
        var alone = split.GetProperty("group");
        Assert.Equal([face], alone.GetProperty("faces").EnumerateArray().Select(f => f.GetProperty("faceId").GetInt64()));
        var now = await StrangersAsync();
        Assert.Equal(3, Groups(now).Count);
        Assert.Equal(5, Groups(now).Single(g => g.Cluster == b.Cluster).Faces.Count);

        // New photos of a split person still join the group most of their kind are in.
        var undo = await (await admin.PostAsync("/api/strangers/undo", null)).JsonAsync();
        Assert.Equal("split", undo.GetProperty("undone").GetString());
        Assert.Equal(6, Groups(await StrangersAsync()).Single(g => g.Cluster == b.Cluster).Faces.Count);

        undo = await (await admin.PostAsync("/api/strangers/undo", null)).JsonAsync();
        Assert.Equal("merged", undo.GetProperty("undone").GetString());
        var end = await StrangersAsync();
        Assert.Equal(Groups(start).Select(g => (g.Cluster, string.Join(',', g.Faces.Order()))).OrderBy(g => g.Cluster),
            Groups(end).Select(g => (g.Cluster, string.Join(',', g.Faces.Order()))).OrderBy(g => g.Cluster));

        var nothing = await (await admin.PostAsync("/api/strangers/undo", null)).ProblemAsync(409);
        Assert.Contains("undo", nothing.Detail());

        // Deleting erases the group's faces: they are gone, crops too, and it cannot be undone.
        var c = GroupOf(end, Lfw3[2].Person);
        var deleted = await (await admin.DeleteAsync($"/api/strangers/{c.Cluster}")).JsonAsync();
        Assert.Equal(3, deleted.GetProperty("facesErased").GetInt32());
        await (await admin.GetAsync($"/api/strangers/faces/{c.Faces[0]}/crop")).ProblemAsync(404);
        Assert.Equal(6, (await StrangersAsync()).GetProperty("faces").GetInt32());
    }

    [Fact]
    public async Task Bad_changes_are_refused_naming_the_input_and_only_an_admin_key_sees_strangers()
    {
        var admin = _host.Admin();
        await UploadStrangersAsync(admin);
        var strangers = await StrangersAsync();
        var a = GroupOf(strangers, Lfw3[0].Person);
        var b = GroupOf(strangers, Lfw3[1].Person);

        var problem = await (await admin.PostJsonAsync("/api/strangers/999999/name", new { person = "X" })).ProblemAsync(404);
        Assert.StartsWith("cluster: ", problem.Detail());
        Assert.Equal("cluster", problem.GetProperty("field").GetString());
        Assert.StartsWith("person: ", (await (await admin.PostJsonAsync($"/api/strangers/{a.Cluster}/name", new { })).ProblemAsync(400)).Detail());
        Assert.StartsWith("into: ", (await (await admin.PostJsonAsync($"/api/strangers/{a.Cluster}/merge", new { into = a.Cluster })).ProblemAsync(400)).Detail());
        Assert.StartsWith("into: ", (await (await admin.PostJsonAsync($"/api/strangers/{a.Cluster}/merge", new { into = 999999 })).ProblemAsync(404)).Detail());
        Assert.StartsWith("into: ", (await (await admin.PostJsonAsync($"/api/strangers/{a.Cluster}/merge", new { })).ProblemAsync(400)).Detail());
        Assert.StartsWith("faceId: ", (await (await admin.PostJsonAsync($"/api/strangers/{a.Cluster}/split", new { faceId = b.Faces[0] })).ProblemAsync(404)).Detail());
        Assert.StartsWith("faceId: ", (await (await admin.PostJsonAsync($"/api/strangers/{a.Cluster}/split", new { })).ProblemAsync(400)).Detail());
        var badName = await (await admin.PostJsonAsync($"/api/strangers/{a.Cluster}/name", new { person = "a/b\u0001" })).ProblemAsync(400);
        Assert.StartsWith("person: ", badName.Detail());
        Assert.Equal("person", badName.GetProperty("field").GetString());
        // Nothing refused changed anything.
        Assert.Equal(Groups(strangers), Groups(await StrangersAsync()), new GroupComparer());
        Assert.Equal(0, (await (await admin.GetAsync("/api/people")).JsonAsync()).GetProperty("people").GetArrayLength());

        var recognize = _host.Client(_host.NewKey(ApiKeyRole.Recognize));
        foreach (var request in new Func<HttpRequestMessage>[]
                 {
                     () => new HttpRequestMessage(HttpMethod.Get, "/api/strangers"),
                     () => new HttpRequestMessage(HttpMethod.Get, $"/api/strangers/faces/{a.Faces[0]}/crop"),
                     () => new HttpRequestMessage(HttpMethod.Post, $"/api/strangers/{a.Cluster}/name") { Content = JsonContent(new { person = "X" }) },
                     () => new HttpRequestMessage(HttpMethod.Post, $"/api/strangers/{a.Cluster}/merge") { Content = JsonContent(new { into = b.Cluster }) },
                     () => new HttpRequestMessage(HttpMethod.Post, "/api/strangers/undo"),
                     () => new HttpRequestMessage(HttpMethod.Delete, $"/api/strangers/{a.Cluster}"),
                 })
            Assert.Contains("admin key is needed", (await (await recognize.SendAsync(request())).ProblemAsync(403)).Detail());
        (await (await _host.Client(null).GetAsync("/api/strangers")).ProblemAsync(401)).Detail();
        Assert.Equal(3, Groups(await StrangersAsync()).Count);
    }

    private static StringContent JsonContent(object body) =>
        new(JsonSerializer.Serialize(body), System.Text.Encoding.UTF8, "application/json");

    private sealed class GroupComparer : IEqualityComparer<(long Cluster, List<string> People, List<long> Faces)>
    {
        public bool Equals((long Cluster, List<string> People, List<long> Faces) x, (long Cluster, List<string> People, List<long> Faces) y) =>
            x.Cluster == y.Cluster && x.Faces.SequenceEqual(y.Faces);

        public int GetHashCode((long Cluster, List<string> People, List<long> Faces) obj) => obj.Cluster.GetHashCode();
    }

    [Fact]
    public async Task The_store_is_bounded_by_its_caps_and_retention_and_a_full_group_only_counts()
    {
        using var temp = new TempFolder();
        var options = new StrangerOptions { MaxFaces = 20, MaxFacesPerGroup = 3 };
        using var strangers = Strangers.Open(temp.Path, _host.Service.People, options);
        var random = new Random(14);
        using var photo = await Recognizer.ReadImageAsync(Lfw3[0].Photos[0]);
        var crop = Recognizer.CropFace(photo, new Visage.Detection.FaceBox(60, 60, 120, 120));

        // One person seen ten times (tiny changes of one encoding): three faces kept, the rest counted.
        var person = UnitVector(random);
        var reports = new List<SightingReport>();
        for (var i = 0; i < 10; i++)
            reports.Add(await strangers.ReportAsync(new StrangerSighting(Nudge(person, random, 0.01f), crop, "camera door", DateTimeOffset.UtcNow)));
        Assert.Equal(SightingOutcome.Stored, reports[0].Outcome);
        Assert.Null(reports[0].Cluster);
        Assert.Equal(3, reports.Count(r => r.Outcome == SightingOutcome.Stored));
        Assert.Equal(7, reports.Count(r => r.Outcome == SightingOutcome.Counted));
        var group = (await strangers.ListAsync()).Groups.Single();
        Assert.Equal(3, group.Faces.Count);
        Assert.Equal(10, group.Sightings);

        // A sighting from long ago is kept until the next report, then erased by the retention.
        var old = await strangers.ReportAsync(new StrangerSighting(UnitVector(random), crop, "camera yard", DateTimeOffset.UtcNow.AddDays(-40)));
        Assert.Equal(4, strangers.FaceCount);
        await strangers.ReportAsync(new StrangerSighting(UnitVector(random), crop, "camera yard", DateTimeOffset.UtcNow));
        Assert.Null(await strangers.GetCropAsync(old.FaceId!.Value));
        Assert.Equal(4, strangers.FaceCount);

        // Past the cap the oldest go, down to nine tenths of it.
        for (var i = 0; i < 30; i++)
        {
            await strangers.ReportAsync(new StrangerSighting(UnitVector(random), crop, "camera yard", DateTimeOffset.UtcNow.AddSeconds(i)));
            Assert.True(strangers.FaceCount <= options.MaxFaces);
        }
        var keyed = UnitVector(random);
        Assert.Equal(SightingOutcome.Stored, (await strangers.ReportAsync(new StrangerSighting(keyed, crop, "x", DateTimeOffset.UtcNow, "k1"))).Outcome);
        Assert.Equal(SightingOutcome.Duplicate, (await strangers.ReportAsync(new StrangerSighting(keyed, crop, "x", DateTimeOffset.UtcNow, "k1"))).Outcome);

        var wrong = await Assert.ThrowsAsync<VisageException>(() =>
            strangers.ReportAsync(new StrangerSighting(new float[3], crop, "camera door", DateTimeOffset.UtcNow)));
        Assert.Contains("camera door", wrong.Message);

        var off = Strangers.Open(temp.File("off"), _host.Service.People, new StrangerOptions { Enabled = false });
        using (off)
        {
            Assert.Equal(SightingOutcome.Off, (await off.ReportAsync(new StrangerSighting(person, crop, "camera door", DateTimeOffset.UtcNow))).Outcome);
            Assert.Equal(0, off.FaceCount);
        }
    }

    [Fact]
    public async Task The_file_is_bound_to_its_pipeline_and_only_the_newest_changes_up_to_the_undo_depth_can_be_undone()
    {
        using var temp = new TempFolder();
        var random = new Random(7);
        using var photo = await Recognizer.ReadImageAsync(Lfw3[0].Photos[0]);
        var crop = Recognizer.CropFace(photo, new Visage.Detection.FaceBox(60, 60, 120, 120));
        var clusters = new List<long>();
        using (var strangers = Strangers.Open(temp.Path, _host.Service.People, new StrangerOptions { UndoDepth = 1 }))
        {
            Assert.Equal(Path.Combine(temp.Path, $"strangers-{Recognizer.Fingerprint.Id}.db"), strangers.Path);
            // Three people of two faces each: three groups.
            for (var person = 0; person < 3; person++)
            {
                var centre = UnitVector(random);
                await strangers.ReportAsync(new StrangerSighting(Nudge(centre, random, 0.01f), crop, "a", DateTimeOffset.UtcNow));
                clusters.Add((await strangers.ReportAsync(new StrangerSighting(Nudge(centre, random, 0.01f), crop, "a", DateTimeOffset.UtcNow))).Cluster!.Value);
            }
            Assert.Equal(3, clusters.Distinct().Count());
            await strangers.MergeAsync(clusters[0], clusters[1]);
            await strangers.MergeAsync(clusters[2], clusters[1]);
            Assert.Equal("merged", (await strangers.UndoAsync()).Change);
            var left = await strangers.ListAsync();
            Assert.Equal(new[] { 4, 2 }, left.Groups.Select(g => g.Faces.Count));
            Assert.Null(left.Undo);
            var nothing = await Assert.ThrowsAsync<StrangerException>(() => strangers.UndoAsync());
            Assert.Equal(StrangerProblem.Conflict, nothing.Problem);
        }

        // Another pipeline's strangers are not read as this one's: the file says whose encodings it holds.
        var other = Path.Combine(temp.Path, "strangers-0123456789abcdef.db");
        File.Copy(Path.Combine(temp.Path, $"strangers-{Recognizer.Fingerprint.Id}.db"), other);
        var refused = Assert.Throws<VisageException>(() => StrangerStore.Open(temp.Path, "0123456789abcdef").Dispose());
        Assert.Contains(other, refused.Message);
        Assert.Contains(Recognizer.Fingerprint.Id, refused.Message);

        // A file that is not a database is refused by name, not half-read.
        var broken = Path.Combine(temp.Path, "strangers-fedcba9876543210.db");
        await File.WriteAllTextAsync(broken, new string('x', 4096));
        var unreadable = Assert.Throws<VisageException>(() => StrangerStore.Open(temp.Path, "fedcba9876543210").Dispose());
        Assert.StartsWith(broken + ": cannot open the strangers' file", unreadable.Message);
    }

    private float[] UnitVector(Random random)
    {
        var v = new float[Recognizer.Dimensions];
        for (var i = 0; i < v.Length; i++) v[i] = (float)(random.NextDouble() * 2 - 1);
        var norm = MathF.Sqrt(v.Sum(x => x * x));
        return v.Select(x => x / norm).ToArray();
    }

    private static float[] Nudge(float[] v, Random random, float by)
    {
        var nudged = v.Select(x => x + (float)(random.NextDouble() * 2 - 1) * by / MathF.Sqrt(v.Length)).ToArray();
        var norm = MathF.Sqrt(nudged.Sum(x => x * x));
        return nudged.Select(x => x / norm).ToArray();
    }
}
