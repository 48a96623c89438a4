using System.Diagnostics;
using Visage.Tests.Cli;
using Visage.Tests.TestData;

namespace Visage.Tests.Facade;

/// <summary>The programs in examples/ (built with the solution) run and answer as the command does.</summary>
[Collection(CliCollection.Name)]
public sealed class ExampleProgramsTests(SingleFacePeopleFixture fixture) : IClassFixture<SingleFacePeopleFixture>, IDisposable
{
    private readonly TempFolder _temp = new();
    private readonly string[] _people = fixture.People.ToArray();

    public void Dispose() => _temp.Dispose();

    /// <summary>examples/NAME/bin/CONFIGURATION/net10.0/NAME.dll, built by the same build as these tests.</summary>
    private static string ExampleDll(string name)
    {
        var tests = new DirectoryInfo(AppContext.BaseDirectory);
        var framework = tests.Name;
        var configuration = tests.Parent!.Name;
        var root = tests.Parent!.Parent!.Parent!.Parent!.Parent!.FullName;
        var dll = Path.Combine(root, "examples", name, "bin", configuration, framework, name + ".dll");
        Assert.True(File.Exists(dll), $"{dll} was not built (the test project builds it)");
        return dll;
    }

    private static async Task<(int Code, string Out, string Err)> RunAsync(string dll, params string[] args)
    {
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true };
        start.ArgumentList.Add(dll);
        foreach (var arg in args) start.ArgumentList.Add(arg);
        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var limit = new CancellationTokenSource(TimeSpan.FromMinutes(3));
        await process.WaitForExitAsync(limit.Token);
        return (process.ExitCode, await stdout, await stderr);
    }

    [Fact]
    public async Task WhoIsIt_names_the_person_as_identify_does()
    {
        var known = Lfw.CopyFirstPhotos(_people, _temp.File("known"));
        var probe = Lfw.PhotosOf(_people[1])[1];

        var (code, output, error) = await RunAsync(ExampleDll("WhoIsIt"), probe, known);
        var cli = await VisageCli.RunAsync("identify", probe, "--known", known, "--json");

        Assert.True(code == 0, error);
        Assert.Contains($": {_people[1]} (", output);
        Assert.Equal(_people[1], cli.Json.GetProperty("faces")[0].GetProperty("person").GetString());
    }

    [Fact]
    public async Task SamePerson_compares_two_photos()
    {
        var same = await RunAsync(ExampleDll("SamePerson"), Lfw.PhotosOf(_people[0])[0], Lfw.PhotosOf(_people[0])[1]);
        var different = await RunAsync(ExampleDll("SamePerson"), Lfw.PhotosOf(_people[0])[0], Lfw.PhotosOf(_people[2])[0]);

        Assert.True(same.Code == 0, same.Err + same.Out);
        Assert.StartsWith("same person", same.Out);
        Assert.Equal(3, different.Code);
        Assert.StartsWith("different people", different.Out);
    }
}
