using System.Text.Json;
using Visage.Tests.TestData;

namespace Visage.Tests.Cli;

/// <summary>
/// Every command's --json output parses and carries the fields README's "The JSON contract" documents, with the
/// same names for the same things: person, distance, box, threshold {value, source}, statuses as lowercase words.
/// </summary>
[Collection(CliCollection.Name)]
public sealed class JsonContractTests(SingleFacePeopleFixture fixture) : IClassFixture<SingleFacePeopleFixture>, IDisposable
{
    private readonly TempFolder _temp = new();
    private readonly string[] _people = fixture.People.ToArray();

    public void Dispose() => _temp.Dispose();

    private string Db => _temp.File("gallery.db");

    private static readonly string[] Box = ["x", "y", "width", "height"];
    private static readonly string[] Threshold = ["value", "source", "note"];
    private static readonly string[] IdentifiedFace = ["box", "score", "landmarks", "person", "known", "distance", "candidates"];

    private static void AssertFields(JsonElement element, params string[] names)
    {
        Assert.Equal(JsonValueKind.Object, element.ValueKind);
        foreach (var name in names)
            Assert.True(element.TryGetProperty(name, out _), $"missing '{name}' in {element}");
    }

    private static async Task<JsonElement> JsonOf(params string[] args)
    {
        var result = await VisageCli.RunAsync([.. args, "--json"]);
        Assert.True(result.ExitCode == 0, result.ToString());
        return result.Json;
    }

    private string Known()
    {
        var folder = _temp.File("known");
        Directory.CreateDirectory(folder);
        foreach (var person in _people)
            File.Copy(Lfw.PhotosOf(person)[0], Path.Combine(folder, person + ".jpg"), overwrite: true);
        return folder;
    }

    [Fact]
    public async Task Enroll_identify_verify_and_embed()
    {
        var enroll = await JsonOf("enroll", Known(), "--db", Db);
        AssertFields(enroll, "gallery", "model", "total", "enrolled", "alreadyEnrolled", "skipped", "failed", "people",
            "cancelled", "photos");
        var photo = enroll.GetProperty("photos")[0];
        AssertFields(photo, "image", "person", "status", "message", "facesFound", "faceId");
        Assert.Equal("enrolled", photo.GetProperty("status").GetString());

        var again = await JsonOf("enroll", Known(), "--db", Db);
        Assert.Equal("already_enrolled", again.GetProperty("photos")[0].GetProperty("status").GetString());

        var identify = await JsonOf("identify", Lfw.PhotosOf(_people[0])[1], "--db", Db);
        AssertFields(identify, "image", "model", "fingerprint", "threshold", "faces");
        AssertFields(identify.GetProperty("threshold"), Threshold);
        Assert.Equal("model", identify.GetProperty("threshold").GetProperty("source").GetString());
        var face = identify.GetProperty("faces")[0];
        AssertFields(face, IdentifiedFace);
        AssertFields(face.GetProperty("box"), Box);
        Assert.Equal(_people[0], face.GetProperty("person").GetString());
        Assert.Equal(5, face.GetProperty("landmarks").GetArrayLength());
        AssertFields(face.GetProperty("candidates")[0], "person", "distance");

        var verify = await JsonOf("verify", Lfw.PhotosOf(_people[0])[0], Lfw.PhotosOf(_people[0])[1]);
        AssertFields(verify, "model", "fingerprint", "threshold", "distance", "samePerson", "images");
        AssertFields(verify.GetProperty("images")[1], "image", "facesFound", "face");
        AssertFields(verify.GetProperty("images")[1].GetProperty("face"), "box", "score", "landmarks");

        var embed = await JsonOf("embed", Lfw.PhotosOf(_people[1])[0]);
        AssertFields(embed, "image", "model", "fingerprint", "dimensions", "faces");
        AssertFields(embed.GetProperty("faces")[0], "box", "score", "landmarks", "embedding");
    }

    [Fact]
    public async Task People_models_and_cache()
    {
        await JsonOf("enroll", Known(), "--db", Db);

        var list = await JsonOf("people", "list", "--db", Db);
        AssertFields(list, "gallery", "people");
        AssertFields(list.GetProperty("people")[0], "name", "faces", "createdAt", "lastAddedAt", "thumbnailFaceId");

        var renamed = await JsonOf("people", "rename", _people[0], "Renamed", "--db", Db);
        AssertFields(renamed, "gallery", "change", "person", "previousName", "facesErased");
        Assert.Equal("renamed", renamed.GetProperty("change").GetString());
        var merged = await JsonOf("people", "merge", "Renamed", _people[1], "--db", Db);
        Assert.Equal(2, merged.GetProperty("person").GetProperty("faces").GetInt32());
        var deleted = await JsonOf("people", "delete", _people[1], "--db", Db);
        Assert.Equal(2, deleted.GetProperty("facesErased").GetInt32());
        Assert.Equal(JsonValueKind.Null, deleted.GetProperty("person").ValueKind);

        var models = await JsonOf("models", "list");
        AssertFields(models, "default", "models");
        AssertFields(models.GetProperty("models")[0], "id", "description", "licence", "isDefault", "packages", "files",
            "dimensions", "threshold", "thresholdProvenance", "installed", "folder");
        var fetch = await JsonOf("models", "fetch", models.GetProperty("default").GetString()!);
        AssertFields(fetch.GetProperty("models")[0], "id", "installed", "fetched", "folder");

        var home = _temp.File("home");
        var cleared = await VisageCli.RunAsync(new Dictionary<string, string> { ["VISAGE_HOME"] = home }, "cache", "clear", "--json");
        Assert.True(cleared.ExitCode == 0, cleared.ToString());
        AssertFields(cleared.Json, "cache", "removed");
    }

    [Fact]
    public async Task Calibrate_and_evaluate()
    {
        // 40 LFW pairs of the test file: enough for a false-accept rate of 0.1 (10 different, 20 same pairs needed).
        var pairs = _temp.File("pairs.txt");
        var lines = File.ReadAllLines(SharedData.LfwPairsDevTest);
        File.WriteAllLines(pairs, ["20", .. lines.Skip(1).Take(20), .. lines.Skip(501).Take(20)]);

        var calibrate = await JsonOf("calibrate", "--pairs", pairs, "--images", SharedData.LfwImages, "--far", "0.1",
            "--db", Db, "--plot", _temp.File("plot.png"));
        AssertFields(calibrate, "gallery", "model", "fingerprint", "threshold", "targetFalseAcceptRate", "trueAcceptRate",
            "falseAcceptRate", "bestAccuracyThreshold", "bestAccuracy", "samePairs", "differentPairs",
            "centralBoxFallbacks", "plot");
        Assert.Equal("calibrated", calibrate.GetProperty("threshold").GetProperty("source").GetString());

        var evaluate = await JsonOf("evaluate", "--pairs", pairs, "--images", SharedData.LfwImages, "--folds", "2");
        AssertFields(evaluate, "model", "fingerprint", "pairsFile", "protocol", "pairs", "images", "centralBoxFallbacks",
            "accuracy", "threshold", "folds", "areaUnderCurve", "equalErrorRate", "operatingPoints");
        Assert.False(evaluate.TryGetProperty("distances", out _));
        Assert.False(evaluate.TryGetProperty("roc", out _));
    }
}
