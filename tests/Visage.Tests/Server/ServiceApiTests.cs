using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using OpenCvSharp;
using Visage.Server.Security;
using Visage.Tests.TestData;

namespace Visage.Tests.Server;

/// <summary>
/// The HTTP API over the real ASP.NET Core pipeline: every endpoint, and every refusal (key, role, size, not an
/// image, no face, two faces, unknown person, rate limit), with the gallery's counts unchanged by a refusal.
/// </summary>
[Collection(ServiceCollection.Name)]
public sealed class ServiceApiTests(ServiceRecognizerFixture fixture) : IDisposable
{
    private readonly ServiceHost _host = new(fixture.Recognizer);
    private FaceRecognizer Recognizer => fixture.Recognizer;

    public void Dispose() => _host.Dispose();

    private (string Person, IReadOnlyList<string> Photos) Ada => ServicePhotos.People(Recognizer, 2, 3)[0];
    private (string Person, IReadOnlyList<string> Photos) Stranger => ServicePhotos.People(Recognizer, 2, 3)[1];

    private async Task<JsonElement> EnrollAsync(HttpClient client, string person, params string[] photos)
    {
        var response = await client.PostAsync($"/api/people/{Uri.EscapeDataString(person)}/faces", Http.Photos("photos", photos));
        Assert.True(response.StatusCode is HttpStatusCode.Created or HttpStatusCode.OK, await response.Content.ReadAsStringAsync());
        return await response.JsonAsync();
    }

    private async Task<(int People, int Faces)> CountsAsync()
    {
        var people = (await (await _host.Admin().GetAsync("/api/people")).JsonAsync()).GetProperty("people").EnumerateArray().ToList();
        return (people.Count, people.Sum(p => p.GetProperty("faces").GetInt32()));
    }

    /// <summary>Every mapped route, with its methods and a sample path (route values filled in).</summary>
    private List<(string Method, string Path, string Pattern)> Routes()
    {
        var sources = _host.Services.GetRequiredService<EndpointDataSource>();
        return sources.Endpoints.OfType<RouteEndpoint>()
            .SelectMany(e => (e.Metadata.GetMetadata<Microsoft.AspNetCore.Routing.HttpMethodMetadata>()?.HttpMethods ?? ["GET"])
                .Select(m => (m, Sample(e.RoutePattern.RawText!), e.RoutePattern.RawText!)))
            .ToList();
    }

    private static string Sample(string pattern) => "/" + pattern.TrimStart('/')
        .Replace("{name}", "Ada").Replace("{id:long}", "1").Replace("{id}", "1").Replace("{documentName}", "v1")
        .Replace("{face:int}", "1");

    [Fact]
    public async Task Only_health_answers_without_a_key_and_a_wrong_or_revoked_key_is_refused()
    {
        var anonymous = _host.Client(null);
        var health = await anonymous.GetAsync("/health");
        Assert.Equal(HttpStatusCode.OK, health.StatusCode);
        var checks = (await health.JsonAsync()).GetProperty("checks");
        Assert.Equal("healthy", checks.GetProperty("model").GetProperty("status").GetString());
        Assert.Equal("healthy", checks.GetProperty("gallery").GetProperty("status").GetString());
        Assert.Equal("healthy", checks.GetProperty("index").GetProperty("status").GetString());
        Assert.StartsWith("exact, ", checks.GetProperty("index").GetProperty("description").GetString());

        var routes = Routes();
        Assert.True(routes.Count >= 20, string.Join(", ", routes.Select(r => r.Pattern)));
        foreach (var (method, path, pattern) in routes.Where(r => r.Pattern != "/health"))
        {
            var response = await anonymous.SendAsync(new HttpRequestMessage(new HttpMethod(method), path));
            var problem = await response.ProblemAsync(401);
            Assert.Contains("X-Api-Key", problem.Detail());
            Assert.True(pattern.Length > 0);
        }
        (await (await anonymous.GetAsync("/docs/index.html")).ProblemAsync(401)).Detail();

        var wrong = await _host.Client("visage_not-a-key").GetAsync("/api/people");
        Assert.Contains("unknown or revoked", (await wrong.ProblemAsync(401)).Detail());

        var made = await (await _host.Admin().PostJsonAsync("/api/keys", new { name = "door", role = "recognize" })).JsonAsync();
        var key = made.GetProperty("key").GetString()!;
        Assert.Equal(HttpStatusCode.OK, (await _host.Client(key).GetAsync("/api/version")).StatusCode);
        var revoked = await _host.Admin().DeleteAsync($"/api/keys/{made.GetProperty("id").GetString()}");
        Assert.Equal(HttpStatusCode.OK, revoked.StatusCode);
        Assert.Contains("unknown or revoked", (await (await _host.Client(key).GetAsync("/api/version")).ProblemAsync(401)).Detail());
    }

    [Fact]
    public async Task A_recognize_key_recognizes_but_may_not_touch_people_keys_or_settings()
    {
        var recognize = _host.Client(_host.NewKey(ApiKeyRole.Recognize));
        foreach (var (method, path, pattern) in Routes().Where(r =>
                     r.Pattern.StartsWith("/api/people") || r.Pattern.StartsWith("/api/faces") ||
                     r.Pattern.StartsWith("/api/keys") || r.Pattern.StartsWith("/api/threshold") ||
                     r.Pattern.StartsWith("/api/cameras") || r.Pattern.StartsWith("/api/events") ||
                     r.Pattern.StartsWith("/api/unknown") || r.Pattern.StartsWith("/api/webhooks") ||
                     r.Pattern.StartsWith("/api/strangers")))
        {
            var response = await recognize.SendAsync(new HttpRequestMessage(new HttpMethod(method), path));
            Assert.Contains("admin key is needed", (await response.ProblemAsync(403)).Detail());
            Assert.True(pattern.Length > 0);
        }
        var photo = Ada.Photos[0];
        Assert.Equal(HttpStatusCode.OK, (await recognize.PostAsync("/api/recognize", Http.Photos("image", photo))).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await recognize.PostAsync("/api/detect", Http.Photos("image", photo))).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await recognize.PostAsync("/api/embed", Http.Photos("image", photo))).StatusCode);
        var both = Http.Photos("first", photo);
        both.Add(new ByteArrayContent(await File.ReadAllBytesAsync(Ada.Photos[1])), "second", "b.jpg");
        Assert.Equal(HttpStatusCode.OK, (await recognize.PostAsync("/api/verify", both)).StatusCode);
        Assert.Equal("recognize", (await (await recognize.GetAsync("/api/session")).JsonAsync()).GetProperty("role").GetString());
    }

    [Fact]
    public async Task Enrolled_people_are_listed_with_thumbnails_and_recognised_with_candidates_threshold_model_and_timings()
    {
        var admin = _host.Admin();
        var added = await EnrollAsync(admin, Ada.Person, Ada.Photos[0], Ada.Photos[1]);
        Assert.Equal(2, added.GetProperty("person").GetProperty("faces").GetInt32());
        Assert.All(added.GetProperty("photos").EnumerateArray(), p => Assert.Equal("enrolled", p.GetProperty("status").GetString()));
        await EnrollAsync(admin, Stranger.Person, Stranger.Photos[0]);

        var people = await (await admin.GetAsync("/api/people")).JsonAsync();
        Assert.Equal(_host.Options.Gallery, people.GetProperty("gallery").GetString());
        var ada = people.GetProperty("people").EnumerateArray().Single(p => p.GetProperty("name").GetString() == Ada.Person);
        Assert.Equal(2, ada.GetProperty("faces").GetInt32());
        var thumbnail = await admin.GetAsync($"/api/faces/{ada.GetProperty("thumbnailFaceId").GetInt64()}/crop");
        Assert.Equal("image/jpeg", thumbnail.Content.Headers.ContentType?.MediaType);
        using (var crop = Cv2.ImDecode(await thumbnail.Content.ReadAsByteArrayAsync(), ImreadModes.Color))
            Assert.True(crop.Width > 20 && crop.Height > 20);

        var faces = await (await admin.GetAsync($"/api/people/{Ada.Person}/faces")).JsonAsync();
        Assert.Equal(2, faces.GetProperty("faces").GetArrayLength());
        Assert.All(faces.GetProperty("faces").EnumerateArray(), f =>
        {
            Assert.Equal(Ada.Person, f.GetProperty("person").GetString());
            Assert.StartsWith("photos '", f.GetProperty("image").GetString());
        });

        var answer = await (await admin.PostAsync("/api/recognize?top=2", Http.Photos("image", Ada.Photos[2]))).JsonAsync();
        var face = answer.GetProperty("faces").EnumerateArray().Single();
        Assert.Equal(Ada.Person, face.GetProperty("person").GetString());
        Assert.True(face.GetProperty("known").GetBoolean());
        Assert.Equal(5, face.GetProperty("landmarks").GetArrayLength());
        var candidates = face.GetProperty("candidates").EnumerateArray().ToList();
        Assert.Equal([Ada.Person, Stranger.Person], candidates.Select(c => c.GetProperty("person").GetString()));
        Assert.Equal(face.GetProperty("distance").GetSingle(), candidates[0].GetProperty("distance").GetSingle());
        Assert.Equal("model", answer.GetProperty("threshold").GetProperty("source").GetString());
        Assert.Equal(Recognizer.ModelThreshold, answer.GetProperty("threshold").GetProperty("value").GetSingle());
        Assert.Equal(Recognizer.ModelId, answer.GetProperty("model").GetString());
        Assert.Equal(Recognizer.Fingerprint.Id, answer.GetProperty("fingerprint").GetString());
        foreach (var stage in new[] { "decode", "faces", "match", "total" })
            Assert.True(answer.GetProperty("timings").GetProperty(stage).GetDouble() >= 0);

        // The same answer as the library gives for that photo.
        using var photo = await Recognizer.ReadImageAsync(Ada.Photos[2]);
        var library = _host.Service.People.Identify(photo).Single();
        Assert.Equal(library.Distance, face.GetProperty("distance").GetSingle(), 3);

        var stranger = await (await admin.PostAsync("/api/recognize", Http.Photos("image", Stranger.Photos[1]))).JsonAsync();
        Assert.Equal(Stranger.Person, stranger.GetProperty("faces")[0].GetProperty("person").GetString());

        var version = await (await admin.GetAsync("/api/version")).JsonAsync();
        Assert.Equal((2, 3), (version.GetProperty("people").GetInt32(), version.GetProperty("faces").GetInt32()));
        Assert.Equal(Recognizer.Dimensions, version.GetProperty("dimensions").GetInt32());
    }

    [Fact]
    public async Task Refused_uploads_name_the_file_show_the_boxes_and_leave_every_count_as_it_was()
    {
        var admin = _host.Admin();
        await EnrollAsync(admin, Ada.Person, Ada.Photos[0]);
        var before = await CountsAsync();
        var temp = _host.Temp;

        var notImage = await admin.PostAsync($"/api/people/{Ada.Person}/faces", Http.Bytes("photos", "hello"u8.ToArray(), "notes.jpg"));
        var problem = await notImage.ProblemAsync(422);
        Assert.Contains("notes.jpg", problem.Detail());
        Assert.Equal("failed", problem.GetProperty("photos")[0].GetProperty("status").GetString());

        var grey = Composite.Grey(temp.File("grey.png"));
        problem = await (await admin.PostAsync($"/api/people/{Ada.Person}/faces", Http.Photos("photos", grey))).ProblemAsync(422);
        Assert.Contains("grey.png", problem.Detail());
        Assert.Contains("no face", problem.Detail());
        Assert.Equal("no_face", problem.GetProperty("photos")[0].GetProperty("status").GetString());
        Assert.Equal(0, problem.GetProperty("boxes").GetArrayLength());

        var two = Composite.SideBySide(Ada.Photos[1], Stranger.Photos[0], temp.File("two.jpg"));
        problem = await (await admin.PostAsync($"/api/people/{Ada.Person}/faces", Http.Photos("photos", two))).ProblemAsync(422);
        Assert.Contains("two.jpg", problem.Detail());
        Assert.Equal("several_faces", problem.GetProperty("photos")[0].GetProperty("status").GetString());
        var boxes = problem.GetProperty("boxes").EnumerateArray().ToList();
        Assert.Equal(2, boxes.Count);
        Assert.True(boxes[0].GetProperty("x").GetSingle() < 250 && boxes[1].GetProperty("x").GetSingle() >= 250);

        var oversized = await admin.PostAsync($"/api/people/{Ada.Person}/faces",
            Http.Bytes("photos", new byte[_host.Options.MaxRequestBytes + 1], "big.jpg"));
        Assert.Contains("10 MB", (await oversized.ProblemAsync(413)).Detail());

        // Over the megapixel limit: refused from the header, before decoding.
        using (var huge = new Mat(7000, 6000, MatType.CV_8UC1, Scalar.All(0)))
        {
            var png = huge.ImEncode(".png");
            Assert.True(png.Length < _host.Options.MaxRequestBytes);
            var tooMany = await admin.PostAsync("/api/recognize", Http.Bytes("image", png, "wide.png"));
            var detail = (await tooMany.ProblemAsync(413)).Detail();
            Assert.Contains("wide.png", detail);
        }

        var recognizeNothing = await admin.PostAsync("/api/recognize", Http.Bytes("image", [], "empty.jpg"));
        Assert.Contains("empty.jpg", (await recognizeNothing.ProblemAsync(422)).Detail());
        var missing = await admin.PostAsync("/api/recognize", Http.Photos("picture", Ada.Photos[1]));
        Assert.Contains("image: missing", (await missing.ProblemAsync(400)).Detail());

        Assert.Equal(before, await CountsAsync());

        // With largest=true the biggest face of the two is taken; the same photo again is reported, not re-added.
        var largest = await admin.PostAsync($"/api/people/{Ada.Person}/faces?largest=true", Http.Photos("photos", two));
        Assert.Equal(HttpStatusCode.Created, largest.StatusCode);
        var again = await admin.PostAsync($"/api/people/{Ada.Person}/faces", Http.Photos("photos", Ada.Photos[0]));
        Assert.Equal(HttpStatusCode.OK, again.StatusCode);
        Assert.Equal("already_enrolled", (await again.JsonAsync()).GetProperty("photos")[0].GetProperty("status").GetString());
        Assert.Equal((1, 2), await CountsAsync());
    }

    [Fact]
    public async Task A_mixed_upload_enrolls_the_good_photos_and_reports_each_refusal()
    {
        var admin = _host.Admin();
        var grey = Composite.Grey(_host.Temp.File("blank.png"));
        var response = await admin.PostAsync($"/api/people/{Ada.Person}/faces", Http.Photos("photos", Ada.Photos[0], grey, Ada.Photos[1]));
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        var statuses = (await response.JsonAsync()).GetProperty("photos").EnumerateArray()
            .Select(p => p.GetProperty("status").GetString()).ToList();
        Assert.Equal(["enrolled", "no_face", "enrolled"], statuses);
        Assert.Equal((1, 2), await CountsAsync());
    }

    [Fact]
    public async Task People_are_created_renamed_merged_and_deleted_with_every_face_erased()
    {
        var admin = _host.Admin();
        var created = await admin.PostJsonAsync("/api/people", new { name = "  Grace  " });
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        Assert.Equal(0, (await created.JsonAsync()).GetProperty("faces").GetInt32());
        Assert.Contains("Grace", (await (await admin.PostJsonAsync("/api/people", new { name = "Grace" })).ProblemAsync(409)).Detail());
        var badName = await (await admin.PostJsonAsync("/api/people", new { name = "Eve\u001b[31m" })).ProblemAsync(400);
        Assert.Equal("name", badName.GetProperty("setting").GetString());
        await (await admin.PostJsonAsync("/api/people", new { })).ProblemAsync(400);
        await (await admin.PostAsync("/api/people", new StringContent("{", System.Text.Encoding.UTF8, "application/json"))).ProblemAsync(400);

        await EnrollAsync(admin, Ada.Person, Ada.Photos[0], Ada.Photos[1]);
        await EnrollAsync(admin, "Ada copy", Ada.Photos[2]);

        var renamed = await (await admin.PatchAsJsonAsync($"/api/people/{Uri.EscapeDataString("Ada copy")}", new { name = "Ada two" })).JsonAsync();
        Assert.Equal(("renamed", "Ada two", "Ada copy"), (renamed.GetProperty("change").GetString(),
            renamed.GetProperty("person").GetProperty("name").GetString(), renamed.GetProperty("previousName").GetString()));
        await (await admin.PatchAsJsonAsync("/api/people/Grace", new { name = Ada.Person })).ProblemAsync(409);

        var merged = await (await admin.PostJsonAsync("/api/people/Ada%20two/merge", new { into = Ada.Person })).JsonAsync();
        Assert.Equal(3, merged.GetProperty("person").GetProperty("faces").GetInt32());
        await (await admin.GetAsync("/api/people/Ada%20two")).ProblemAsync(404);

        var faceIds = (await (await admin.GetAsync($"/api/people/{Ada.Person}/faces")).JsonAsync()).GetProperty("faces")
            .EnumerateArray().Select(f => f.GetProperty("faceId").GetInt64()).ToList();
        Assert.Equal(HttpStatusCode.NoContent, (await admin.DeleteAsync($"/api/faces/{faceIds[0]}")).StatusCode);
        await (await admin.DeleteAsync($"/api/faces/{faceIds[0]}")).ProblemAsync(404);
        await (await admin.GetAsync($"/api/faces/{faceIds[0]}/crop")).ProblemAsync(404);

        var deleted = await (await admin.DeleteAsync($"/api/people/{Ada.Person}")).JsonAsync();
        Assert.Equal(("deleted", 2), (deleted.GetProperty("change").GetString(), deleted.GetProperty("facesErased").GetInt32()));
        Assert.Equal(JsonValueKind.Null, deleted.GetProperty("person").ValueKind);
        foreach (var id in faceIds) await (await admin.GetAsync($"/api/faces/{id}/crop")).ProblemAsync(404);
        var after = await (await admin.PostAsync("/api/recognize", Http.Photos("image", Ada.Photos[0]))).JsonAsync();
        Assert.Equal(JsonValueKind.Null, after.GetProperty("faces")[0].GetProperty("person").ValueKind);
        Assert.Equal((1, 0), await CountsAsync()); // Grace, with no photo
    }

    [Fact]
    public async Task An_unknown_person_is_404_naming_them_everywhere()
    {
        var admin = _host.Admin();
        var requests = new Func<Task<HttpResponseMessage>>[]
        {
            () => admin.GetAsync("/api/people/Nobody"),
            () => admin.GetAsync("/api/people/Nobody/faces"),
            () => admin.PatchAsJsonAsync("/api/people/Nobody", new { name = "Somebody" }),
            () => admin.DeleteAsync("/api/people/Nobody"),
            () => admin.PostJsonAsync("/api/people/Nobody/merge", new { into = "Somebody" }),
        };
        foreach (var request in requests)
        {
            var problem = await (await request()).ProblemAsync(404);
            Assert.Contains("Nobody", problem.Detail());
        }
        await (await admin.GetAsync("/api/faces/999/crop")).ProblemAsync(404);
        await (await admin.DeleteAsync("/api/faces/999")).ProblemAsync(404);
    }

    [Fact]
    public async Task Verify_embed_and_detect_answer_in_the_json_contract()
    {
        var admin = _host.Admin();
        var same = Http.Photos("first", Ada.Photos[0]);
        same.Add(new ByteArrayContent(await File.ReadAllBytesAsync(Ada.Photos[1])), "second", "second.jpg");
        var verify = await (await admin.PostAsync("/api/verify", same)).JsonAsync();
        Assert.True(verify.GetProperty("samePerson").GetBoolean());
        Assert.Equal(2, verify.GetProperty("images").GetArrayLength());
        Assert.Equal(1, verify.GetProperty("images")[0].GetProperty("facesFound").GetInt32());

        var different = Http.Photos("first", Ada.Photos[0]);
        different.Add(new ByteArrayContent(await File.ReadAllBytesAsync(Stranger.Photos[0])), "second", "other.jpg");
        Assert.False((await (await admin.PostAsync("/api/verify", different)).JsonAsync()).GetProperty("samePerson").GetBoolean());
        var strict = Http.Photos("first", Ada.Photos[0]);
        strict.Add(new ByteArrayContent(await File.ReadAllBytesAsync(Ada.Photos[1])), "second", "b.jpg");
        var strictAnswer = await (await admin.PostAsync("/api/verify?threshold=0.01", strict)).JsonAsync();
        Assert.False(strictAnswer.GetProperty("samePerson").GetBoolean());
        Assert.Equal("explicit", strictAnswer.GetProperty("threshold").GetProperty("source").GetString());
        Assert.Contains("second: missing", (await (await admin.PostAsync("/api/verify", Http.Photos("first", Ada.Photos[0]))).ProblemAsync(400)).Detail());
        var grey = Composite.Grey(_host.Temp.File("plain.png"));
        var noFace = Http.Photos("first", Ada.Photos[0]);
        noFace.Add(new ByteArrayContent(await File.ReadAllBytesAsync(grey)), "second", "plain.png");
        Assert.Contains("plain.png", (await (await admin.PostAsync("/api/verify", noFace)).ProblemAsync(422)).Detail());

        var embed = await (await admin.PostAsync("/api/embed", Http.Photos("image", Ada.Photos[0]))).JsonAsync();
        Assert.Equal(Recognizer.Dimensions, embed.GetProperty("dimensions").GetInt32());
        Assert.Equal(Recognizer.Dimensions, embed.GetProperty("faces")[0].GetProperty("embedding").GetArrayLength());

        var detect = await (await admin.PostAsync("/api/detect", Http.Photos("image", Ada.Photos[0]))).JsonAsync();
        var box = detect.GetProperty("faces").EnumerateArray().Single();
        Assert.True(box.GetProperty("box").GetProperty("width").GetSingle() > 20);
        Assert.Equal(JsonValueKind.Null, box.GetProperty("landmarks").ValueKind);
        Assert.Equal(JsonValueKind.Null, box.GetProperty("embedding").ValueKind);
    }

    [Fact]
    public async Task The_threshold_is_read_set_cleared_and_calibrated_with_its_plot()
    {
        var admin = _host.Admin();
        var model = await (await admin.GetAsync("/api/threshold")).JsonAsync();
        Assert.Equal("model", model.GetProperty("source").GetString());
        await (await admin.GetAsync("/api/threshold/plot.png")).ProblemAsync(404);

        var set = await (await admin.PutAsJsonAsync("/api/threshold", new { value = 0.5, note = "by hand" })).JsonAsync();
        Assert.Equal((0.5f, "calibrated", "by hand"), (set.GetProperty("value").GetSingle(), set.GetProperty("source").GetString(),
            set.GetProperty("note").GetString()));
        Assert.Equal(0.5f, (await (await admin.PostAsync("/api/recognize", Http.Photos("image", Ada.Photos[0]))).JsonAsync())
            .GetProperty("threshold").GetProperty("value").GetSingle());
        var negative = await (await admin.PutAsJsonAsync("/api/threshold", new { value = -1 })).ProblemAsync(400);
        Assert.Equal("threshold", negative.GetProperty("setting").GetString());
        var cleared = await (await admin.PutAsJsonAsync("/api/threshold", new { value = (float?)null })).JsonAsync();
        Assert.Equal("model", cleared.GetProperty("source").GetString());

        // Too few pairs: refused with the counts, nothing stored.
        await EnrollAsync(admin, Ada.Person, Ada.Photos[0], Ada.Photos[1]);
        var tooFew = await (await admin.PostJsonAsync("/api/threshold/calibrate", new { falseAcceptRate = 0.001 })).ProblemAsync(422);
        Assert.Equal(1, tooFew.GetProperty("samePairs").GetInt32());
        Assert.Equal("model", (await (await admin.GetAsync("/api/threshold")).JsonAsync()).GetProperty("source").GetString());
        var badRate = await (await admin.PostJsonAsync("/api/threshold/calibrate", new { falseAcceptRate = 2 })).ProblemAsync(400);
        Assert.Equal("falseAcceptRate", badRate.GetProperty("setting").GetString());

        // Seven photos of one person and three of others: 21 same-person pairs, 24 different-person ones.
        var many = ServicePhotos.People(Recognizer, 1, 7)[0];
        await EnrollAsync(admin, many.Person, many.Photos.ToArray());
        await EnrollAsync(admin, Stranger.Person, Stranger.Photos[0]);
        var calibrated = await (await admin.PostJsonAsync("/api/threshold/calibrate", new { falseAcceptRate = 0.05 })).JsonAsync();
        Assert.Equal("calibrated", calibrated.GetProperty("threshold").GetProperty("source").GetString());
        Assert.True(calibrated.GetProperty("samePairs").GetInt32() >= 21);
        Assert.True(calibrated.GetProperty("falseAcceptRate").GetDouble() <= 0.05);
        var plot = await admin.GetAsync(calibrated.GetProperty("plot").GetString());
        Assert.Equal("image/png", plot.Content.Headers.ContentType?.MediaType);
        using var png = Cv2.ImDecode(await plot.Content.ReadAsByteArrayAsync(), ImreadModes.Color);
        Assert.True(png.Width > 100);
    }

    [Fact]
    public async Task Keys_are_created_once_listed_without_secrets_stored_as_hashes_and_the_last_admin_is_kept()
    {
        var admin = _host.Admin();
        var made = await admin.PostJsonAsync("/api/keys", new { name = "kiosk", role = "admin" });
        Assert.Equal(HttpStatusCode.Created, made.StatusCode);
        var secret = (await made.JsonAsync()).GetProperty("key").GetString()!;
        var listed = await admin.GetStringAsync("/api/keys");
        Assert.DoesNotContain(secret, listed);
        Assert.DoesNotContain(_host.AdminKey, listed);
        Assert.Contains("kiosk", listed);

        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        var stored = await File.ReadAllBytesAsync(_host.Service.Keys.Path);
        var text = System.Text.Encoding.Latin1.GetString(stored);
        Assert.DoesNotContain(secret, text);
        Assert.DoesNotContain(_host.AdminKey, text);
        if (!OperatingSystem.IsWindows())
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(_host.Service.Keys.Path));

        Assert.Equal("role", (await (await admin.PostJsonAsync("/api/keys", new { name = "x", role = "root" })).ProblemAsync(400))
            .GetProperty("field").GetString());
        Assert.Equal("name", (await (await admin.PostJsonAsync("/api/keys", new { name = "", role = "admin" })).ProblemAsync(400))
            .GetProperty("field").GetString());
        await (await admin.DeleteAsync("/api/keys/000000000000")).ProblemAsync(404);

        var keys = (await (await admin.GetAsync("/api/keys")).JsonAsync()).GetProperty("keys").EnumerateArray().ToList();
        var first = keys.First(k => k.GetProperty("name").GetString() == "first admin key").GetProperty("id").GetString();
        var kiosk = keys.First(k => k.GetProperty("name").GetString() == "kiosk").GetProperty("id").GetString();
        Assert.Equal(HttpStatusCode.OK, (await admin.DeleteAsync($"/api/keys/{kiosk}")).StatusCode);
        Assert.Contains("last admin key", (await (await admin.DeleteAsync($"/api/keys/{first}")).ProblemAsync(409)).Detail());
    }

    [Fact]
    public async Task The_page_greets_after_k_of_m_frames_once_per_cooldown_and_never_a_stranger()
    {
        var admin = _host.Admin();
        await EnrollAsync(admin, Ada.Person, Ada.Photos[0]);
        async Task<JsonElement> Frame(string session, string photo) =>
            await (await admin.PostAsync($"/api/live/frame?session={session}", Http.Photos("image", photo))).JsonAsync();

        var greetings = new List<JsonElement>();
        for (var i = 0; i < 5; i++)
            greetings.Add((await Frame("door", Ada.Photos[1 + i % 2])).GetProperty("greeting"));
        Assert.Equal([JsonValueKind.Null, JsonValueKind.Null, JsonValueKind.Object, JsonValueKind.Null, JsonValueKind.Null],
            greetings.Select(g => g.ValueKind));
        Assert.Equal($"Welcome {Ada.Person.Replace('_', ' ')}, have a nice day.", greetings[2].GetProperty("text").GetString());
        Assert.Equal([Ada.Person], greetings[2].GetProperty("people").EnumerateArray().Select(p => p.GetString()));

        for (var i = 0; i < 5; i++)
        {
            var stranger = await Frame("door", Stranger.Photos[i % 3]);
            Assert.Equal(JsonValueKind.Null, stranger.GetProperty("greeting").ValueKind);
            Assert.False(stranger.GetProperty("recognition").GetProperty("faces")[0].GetProperty("known").GetBoolean());
        }
        // Another page (session) has its own vote.
        Assert.Equal(JsonValueKind.Null, (await Frame("hall", Ada.Photos[1])).GetProperty("greeting").ValueKind);
        await (await admin.PostAsync("/api/live/frame", Http.Photos("image", Ada.Photos[1]))).ProblemAsync(400);
    }

    [Fact]
    public async Task Uploaded_names_stay_labels_and_nothing_is_written_under_them()
    {
        var admin = _host.Admin();
        var form = new MultipartFormDataContent();
        form.Add(new ByteArrayContent(await File.ReadAllBytesAsync(Ada.Photos[0])), "photos", "../../../../tmp/evil\u0007.jpg");
        var response = await admin.PostAsync($"/api/people/{Ada.Person}/faces", form);
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        var image = (await response.JsonAsync()).GetProperty("photos")[0].GetProperty("image").GetString()!;
        Assert.DoesNotContain("/", image);
        Assert.False(image.Contains('\u0007'), image); // shown escaped, as \u0007
        // Only files the service names: its keys, its cameras, events and webhooks, and the strangers' file of its
        // pipeline (each with SQLite's WAL files); none named by the upload.
        var strangers = $"strangers-{Recognizer.Fingerprint.Id}.db";
        string[] own = ["keys.db", "cameras.db", "events.db", "webhooks.db", strangers];
        var files = Directory.GetFiles(_host.Service.DataFolder).Select(f => Path.GetFileName(f)).ToList();
        Assert.Contains("keys.db", files);
        Assert.All(files, f => Assert.True(own.Any(o => f == o || f == o + "-wal" || f == o + "-shm"), f));
        Assert.False(File.Exists("/tmp/evil\u0007.jpg"));
    }

    [Fact]
    public async Task The_openapi_document_is_3_1_and_describes_every_endpoint_with_the_key()
    {
        var admin = _host.Admin();
        var document = await (await admin.GetAsync("/openapi/v1.json")).JsonAsync();
        Assert.StartsWith("3.1", document.GetProperty("openapi").GetString());
        var paths = document.GetProperty("paths");
        foreach (var path in new[] { "/api/recognize", "/api/verify", "/api/embed", "/api/detect", "/api/people", "/api/people/{name}",
                     "/api/people/{name}/faces", "/api/people/{name}/merge", "/api/faces/{id}/crop", "/api/threshold",
                     "/api/threshold/calibrate", "/api/keys", "/api/version" })
            Assert.True(paths.TryGetProperty(path, out _), $"{path} missing from the OpenAPI document");
        var scheme = document.GetProperty("components").GetProperty("securitySchemes").GetProperty("ApiKey");
        Assert.Equal(("apiKey", "header", "X-Api-Key"), (scheme.GetProperty("type").GetString(), scheme.GetProperty("in").GetString(),
            scheme.GetProperty("name").GetString()));
        var reference = await admin.GetAsync("/docs/index.html");
        Assert.Equal(HttpStatusCode.OK, reference.StatusCode);
        Assert.Contains("swagger", await reference.Content.ReadAsStringAsync(), StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task The_page_is_served_by_the_service_and_names_nothing_outside_it()
    {
        var anonymous = _host.Client(null);
        foreach (var file in new[] { "/", "/app.js", "/app.css" })
        {
            var response = await anonymous.GetAsync(file);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            var text = await response.Content.ReadAsStringAsync();
            Assert.DoesNotContain("http://", text);
            Assert.DoesNotContain("https://", text);
            Assert.Contains("default-src 'self'", response.Headers.GetValues("Content-Security-Policy").Single());
        }
    }
}

/// <summary>The rate limit: per key, 429 with Retry-After and a problem that says so.</summary>
[Collection(ServiceCollection.Name)]
public sealed class ServiceRateLimitTests(ServiceRecognizerFixture fixture)
{
    [Fact]
    public async Task Requests_beyond_the_limit_are_429_with_retry_after_and_other_keys_go_on()
    {
        using var host = new ServiceHost(fixture.Recognizer, o => o with { RateLimit = 3, RatePeriod = TimeSpan.FromHours(1) });
        var admin = host.Admin();
        for (var i = 0; i < 3; i++) Assert.Equal(HttpStatusCode.OK, (await admin.GetAsync("/api/version")).StatusCode);
        var refused = await admin.GetAsync("/api/version");
        var problem = await refused.ProblemAsync(429);
        Assert.Contains("rate limit", problem.Detail());
        Assert.True(int.Parse(refused.Headers.GetValues("Retry-After").Single()) >= 1);
        var other = host.Client(host.NewKey(ApiKeyRole.Recognize));
        Assert.Equal(HttpStatusCode.OK, (await other.GetAsync("/api/version")).StatusCode);
    }

    [Fact]
    public async Task A_smaller_request_limit_refuses_a_body_over_it_before_reading_it()
    {
        using var host = new ServiceHost(fixture.Recognizer, o => o with { MaxRequestBytes = 64 * 1024 });
        var photo = ServicePhotos.People(fixture.Recognizer, 2, 3)[0].Photos[0];
        var big = Http.Bytes("image", new byte[100 * 1024], "big.jpg");
        Assert.Contains("0.1 MB", (await (await host.Admin().PostAsync("/api/recognize", big)).ProblemAsync(413)).Detail());
        Assert.Equal(HttpStatusCode.OK, (await host.Admin().PostAsync("/api/recognize", Http.Photos("image", photo))).StatusCode);
    }
}
