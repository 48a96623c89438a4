using System.Diagnostics;
using System.Text.Json;
using OpenCvSharp;
using Visage.Tests.Cli;
using Visage.Tests.TestData;
using Xunit.Abstractions;

namespace Visage.Tests.Clustering;

/// <summary>
/// <c>visage cluster</c> and <c>visage people name-cluster</c> on a folder of LFW photos of three people (two or more
/// photos each) and one group photo of two of them side by side.
/// </summary>
[Collection(CliCollection.Name)]
public sealed class ClusterCliTests(ITestOutputHelper output) : IDisposable
{
    private readonly TempFolder _folder = new();

    [Fact]
    public async Task Cluster_groups_each_person_once_and_writes_a_page_that_renders_in_Chromium()
    {
        var (photos, people) = MakeFolder();
        var page = _folder.File("clusters.html");

        var run = await VisageCli.RunAsync("cluster", photos, "--db", _folder.File("none.db"), "--json", "--html", page);

        Assert.True(run.ExitCode == 0, run.ToString());
        var json = run.Json;
        Assert.Equal("average_linkage", json.GetProperty("clustering").GetProperty("method").GetString());
        Assert.Equal(0.9 * json.GetProperty("threshold").GetProperty("value").GetDouble(),
            json.GetProperty("clustering").GetProperty("distance").GetDouble(), 3);
        var groups = json.GetProperty("groups").EnumerateArray().ToList();
        Assert.All(groups, g => Assert.False(g.GetProperty("known").GetBoolean()));
        Assert.Equal(["person 1", "person 2", "person 3"], groups.Select(g => g.GetProperty("name").GetString()));
        Assert.All(groups, g => Assert.Matches("^[0-9a-f]{8}$", g.GetProperty("cluster").GetString()));
        // Each group is one person, with every photo of them (the group photo's faces by their side of it).
        var found = groups.Select(g => g.GetProperty("faces").EnumerateArray().Select(PersonOf).Distinct().ToList()).ToList();
        Assert.All(found, persons => Assert.Single(persons));
        Assert.Equal(people.Order(), found.Select(p => p[0]).Order());
        foreach (var group in groups)
        {
            var person = PersonOf(group.GetProperty("faces")[0]);
            var images = group.GetProperty("faces").EnumerateArray()
                .Select(f => Path.GetFileName(f.GetProperty("image").GetString()!)).Where(i => i != "group.jpg");
            var expected = Directory.GetFiles(photos).Select(f => Path.GetFileName(f))
                .Where(f => f != "group.jpg" && f[..f.LastIndexOf('_')] == person);
            Assert.Equal(expected.Order(), images.Order());
        }

        var html = await File.ReadAllTextAsync(page);
        Assert.Equal(3, html.Split("<section class=\"group\">").Length - 1);
        Assert.DoesNotContain("http://", html);
        Assert.DoesNotContain("https://", html);
        var shot = Screenshot(page);
        output.WriteLine($"screenshot: {shot}");
        using var image = Cv2.ImRead(shot);
        Assert.Equal(1000, image.Width);
        // Face crops make the page far from a blank one: many distinct colours.
        Cv2.MeanStdDev(image, out _, out var spread);
        Assert.True(spread.Val0 > 20, $"the screenshot looks blank (spread {spread.Val0:0.0}): {shot}");
    }

    [Fact]
    public async Task Naming_a_group_enrolls_exactly_its_faces_and_the_next_run_knows_them()
    {
        var (photos, _) = MakeFolder();
        var db = _folder.File("people.db");
        var first = await VisageCli.RunAsync("cluster", photos, "--db", db, "--json");
        Assert.True(first.ExitCode == 0, first.ToString());
        var group = first.Json.GetProperty("groups")[1];
        var images = group.GetProperty("faces").EnumerateArray().Select(f => f.GetProperty("image").GetString()).Order().ToList();

        var named = await VisageCli.RunAsync("people", "name-cluster", photos, group.GetProperty("cluster").GetString()!, "Ada",
            "--db", db, "--json");

        Assert.True(named.ExitCode == 0, named.ToString());
        Assert.Equal(images.Count, named.Json.GetProperty("enrolled").GetInt32());
        Assert.Equal(images, named.Json.GetProperty("photos").EnumerateArray().Select(p => p.GetProperty("image").GetString()).Order());
        var list = await VisageCli.RunAsync("people", "list", "--db", db, "--json");
        var ada = Assert.Single(list.Json.GetProperty("people").EnumerateArray());
        Assert.Equal("Ada", ada.GetProperty("name").GetString());
        Assert.Equal(images.Count, ada.GetProperty("faces").GetInt32());

        var again = await VisageCli.RunAsync("cluster", photos, "--db", db, "--json");
        var groups = again.Json.GetProperty("groups").EnumerateArray().ToList();
        Assert.Equal("Ada", groups[0].GetProperty("name").GetString());
        Assert.True(groups[0].GetProperty("known").GetBoolean());
        Assert.Equal(images, groups[0].GetProperty("faces").EnumerateArray().Select(f => f.GetProperty("image").GetString()).Order());
        Assert.Equal(["person 1", "person 2"], groups.Skip(1).Select(g => g.GetProperty("name").GetString()));
    }

    [Fact]
    public async Task Naming_a_group_that_is_not_there_is_a_one_line_error_and_stores_nothing()
    {
        var (photos, _) = MakeFolder();
        var db = _folder.File("people.db");

        var run = await VisageCli.RunAsync("people", "name-cluster", photos, "0badc0de", "Ada", "--db", db);

        Assert.Equal(1, run.ExitCode);
        Assert.StartsWith("visage: error: 0badc0de: no group of unknown faces", run.Err.Trim());
        Assert.Single(run.Err.Trim().Split('\n'));
        var list = await VisageCli.RunAsync("people", "list", "--db", db, "--json");
        Assert.Empty(list.Json.GetProperty("people").EnumerateArray());
    }

    /// <summary>
    /// Three people's photos, each person's last photo held back; the first two people's held-back photos side by
    /// side as one group photo. Returns the folder and the people.
    /// </summary>
    private (string Folder, IReadOnlyList<string> People) MakeFolder()
    {
        var folder = Path.Combine(_folder.Path, "photos");
        Directory.CreateDirectory(folder);
        var people = Lfw.People().Where(p => Lfw.PhotosOf(p).Count >= 3).Take(3).ToList();
        foreach (var person in people)
        {
            var all = Lfw.PhotosOf(person);
            foreach (var photo in all.Take(all.Count - 1)) File.Copy(photo, Path.Combine(folder, Path.GetFileName(photo)));
        }
        Composite.Row([Lfw.PhotosOf(people[0])[^1], Lfw.PhotosOf(people[1])[^1]], Path.Combine(folder, "group.jpg"));
        _groupLeft = people[0];
        _groupRight = people[1];
        return (folder, people);
    }

    private string _groupLeft = "", _groupRight = "";

    /// <summary>The person a face is of: from the file name, or the side of the group photo it is on.</summary>
    private string PersonOf(JsonElement face)
    {
        var image = Path.GetFileName(face.GetProperty("image").GetString()!);
        if (image != "group.jpg") return image[..image.LastIndexOf('_')];
        var box = face.GetProperty("box");
        return box.GetProperty("x").GetDouble() + box.GetProperty("width").GetDouble() / 2 < 250 ? _groupLeft : _groupRight;
    }

    /// <summary>Renders the page in headless Chromium (Debian's package) and returns the screenshot's path.</summary>
    private static string Screenshot(string page)
    {
        var shots = Path.Combine(AppContext.BaseDirectory, "screenshots");
        Directory.CreateDirectory(shots);
        var shot = Path.Combine(shots, "cluster-page.png");
        File.Delete(shot);
        var start = new ProcessStartInfo("chromium")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var arg in new[] { "--headless", "--no-sandbox", "--disable-gpu", "--hide-scrollbars",
                     "--window-size=1000,900", $"--screenshot={shot}", new Uri(page).AbsoluteUri })
            start.ArgumentList.Add(arg);
        Process chromium;
        try
        {
            chromium = Process.Start(start)!;
        }
        catch (System.ComponentModel.Win32Exception e)
        {
            throw new InvalidOperationException("chromium is not installed: run ./test as root, or apt-get install chromium", e);
        }
        using (chromium)
        {
            var err = chromium.StandardError.ReadToEndAsync();
            chromium.StandardOutput.ReadToEnd();
            if (!chromium.WaitForExit(TimeSpan.FromMinutes(2))) chromium.Kill(entireProcessTree: true);
            Assert.True(File.Exists(shot), $"chromium wrote no screenshot (exit {chromium.ExitCode}): {err.Result}");
        }
        return shot;
    }

    public void Dispose() => _folder.Dispose();
}
