using System.Text.Json;
using Visage.Tests.TestData;

namespace Visage.Tests.Cli;

/// <summary>
/// <c>visage bench</c> as a user runs it: the report's fields in JSON and the networks saved for the peer.
/// Timings are machine figures and never asserted; only that each was measured.
/// </summary>
[Collection(CliCollection.Name)]
public sealed class BenchCliTests : IDisposable
{
    private readonly TempFolder _temp = new();

    public void Dispose() => _temp.Dispose();

    /// <summary>Four LFW photos in two person folders, one level down, to check the folder is searched recursively.</summary>
    private string Photos()
    {
        var folder = Path.Combine(_temp.Path, "photos");
        foreach (var person in Lfw.PeopleWithTwoPhotos(2))
        {
            var target = Path.Combine(folder, "people", person);
            Directory.CreateDirectory(target);
            foreach (var photo in Lfw.PhotosOf(person).Take(2))
                File.Copy(photo, Path.Combine(target, Path.GetFileName(photo)));
        }
        return folder;
    }

    [Fact]
    public async Task Bench_reports_every_stage_throughput_memory_and_plans_as_JSON()
    {
        var networks = Path.Combine(_temp.Path, "networks");

        // The fusion pack: two embedders of both kinds the peer runs (the default's FaceMesh is not exported).
        var result = await VisageCli.RunAsync("bench", "--images", Photos(), "--count", "3", "--threads", "2",
            "--save-networks", networks, "--json", "--pack", "fusion");

        Assert.True(result.ExitCode == 0, result.ToString());
        var json = result.Json;
        Assert.Equal("fusion", json.GetProperty("model").GetString());
        Assert.Equal(3, json.GetProperty("photos").GetInt32());
        Assert.True(json.GetProperty("faces").GetInt32() >= 3);
        Assert.Equal(["decode", "detect", "landmarks", "align", "embed", "match"],
            json.GetProperty("stages").EnumerateArray().Select(s => s.GetProperty("stage").GetString()));
        foreach (var stage in json.GetProperty("stages").EnumerateArray().Append(json.GetProperty("endToEnd")))
        foreach (var field in new[] { "medianMs", "p95Ms", "cpuMedianMs", "cpuP95Ms" })
            Assert.True(stage.GetProperty(field).GetDouble() >= 0, $"{stage}: {field}");
        var allCores = json.GetProperty("allCores");
        Assert.Equal(2, allCores.GetProperty("workers").GetInt32());
        Assert.Equal(json.GetProperty("faces").GetInt32(), allCores.GetProperty("faces").GetInt32());
        Assert.True(allCores.GetProperty("photosPerSecond").GetDouble() > 0);
        Assert.True(allCores.GetProperty("cpuSeconds").GetDouble() > 0);
        Assert.Equal(3 / allCores.GetProperty("cpuSeconds").GetDouble(), allCores.GetProperty("photosPerCpuSecond").GetDouble(), 6);
        var memory = json.GetProperty("memory");
        Assert.True(memory.GetProperty("loaded").GetInt64() > memory.GetProperty("beforeLoad").GetInt64());
        Assert.Contains("cores", json.GetProperty("machine").EnumerateObject().Select(p => p.Name));
        var plans = json.GetProperty("plans").EnumerateArray().ToList();
        // UltraFace runs cut at its heads (its prior boxes decoded in C#).
        Assert.Equal(["fr_detect-heads.onnx", "fr_landmark.onnx", "fr_feature.onnx", "face_recognition_model"],
            plans.Select(p => p.GetProperty("network").GetString()));
        Assert.All(plans, p => Assert.Equal(1, p.GetProperty("threads").GetInt32()));

        using var manifest = JsonDocument.Parse(File.ReadAllText(Path.Combine(networks, "networks.json")));
        var saved = manifest.RootElement.GetProperty("networks").EnumerateArray().ToList();
        Assert.Equal(["detector", "landmarks", "five-point", "dlib-chip"], saved.Select(n => n.GetProperty("role").GetString()));
        Assert.All(saved, n => Assert.True(File.Exists(Path.Combine(networks, n.GetProperty("file").GetString()!))));
        // The peer gets UltraFace as written, its own decode included.
        Assert.Equal("fr_detect.onnx", saved[0].GetProperty("file").GetString());
    }

    [Theory]
    [InlineData("--count", "0", "--count: must be at least 1")]
    [InlineData("--threads", "0", "--threads: must be at least 1")]
    public async Task Bad_numbers_are_one_line_usage_errors(string option, string value, string message)
    {
        var result = await VisageCli.RunAsync("bench", "--images", Photos(), option, value);

        Assert.Equal(2, result.ExitCode);
        Assert.Contains($"visage: error: {message}", result.Err);
    }

    [Fact]
    public async Task A_missing_or_empty_folder_is_named_in_a_one_line_error()
    {
        var missing = await VisageCli.RunAsync("bench", "--images", _temp.File("nowhere"));
        Directory.CreateDirectory(_temp.File("empty"));
        var empty = await VisageCli.RunAsync("bench", "--images", _temp.File("empty"));

        Assert.Equal(1, missing.ExitCode);
        Assert.Contains($"visage: error: {_temp.File("nowhere")}: no such folder of photos", missing.Err);
        Assert.Equal(1, empty.ExitCode);
        Assert.Contains("no photos (.jpg, .jpeg, .png, .bmp, .webp)", empty.Err);
    }
}
