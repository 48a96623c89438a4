using Visage.Tests.Cli;
using Visage.Tests.TestData;

namespace Visage.Tests.Postgres;

/// <summary>
/// The commands on a PostgreSQL store: <c>--store URL</c> (or <c>--db URL</c>), else <c>VISAGE_STORE</c>; the
/// same answers as on a file, and the URL's password in no message, JSON or error.
/// </summary>
[Collection(PostgresCollection.Name)]
public sealed class StoreCliTests(PostgresFixture fixture) : IDisposable
{
    private const string Password = "pw-never-shown";
    private readonly TempFolder _temp = new();

    public void Dispose() => _temp.Dispose();

    [Fact]
    public async Task Enroll_identify_and_people_work_on_a_store_named_by_flag_or_environment()
    {
        var store = fixture.Server.UrlOf(await fixture.Server.CreateDatabaseNameAsync())
            .Replace($"{PostgresServer.User}@", $"{PostgresServer.User}:{Password}@");
        var shown = store.Replace(Password, "***");
        var people = Lfw.PeopleWithTwoPhotos(3);
        var known = _temp.File("known");
        Lfw.CopyFirstPhotos(people, known);
        var environment = new Dictionary<string, string> { ["VISAGE_STORE"] = store };

        var enroll = await VisageCli.RunAsync("enroll", known, "--store", store, "--json");
        Assert.True(enroll.ExitCode == 0, enroll.ToString());
        Assert.Equal(shown, enroll.Json.GetProperty("gallery").GetString());

        var identify = await VisageCli.RunAsync(environment, "identify", Lfw.PhotosOf(people[1])[1], "--json");
        Assert.True(identify.ExitCode == 0, identify.ToString());
        Assert.Equal(people[1], identify.Json.GetProperty("faces")[0].GetProperty("person").GetString());

        var list = await VisageCli.RunAsync(environment, "people", "list", "--json");
        Assert.True(list.ExitCode == 0, list.ToString());
        var listed = list.Json.GetProperty("people").EnumerateArray().Select(p => p.GetProperty("name").GetString()).ToList();
        Assert.Equal(enroll.Json.GetProperty("people").GetInt32(), listed.Count);
        Assert.Contains(people[0], listed);
        Assert.Contains(people[1], listed);

        // --db names the store too, and wins over the environment.
        var deleted = await VisageCli.RunAsync(new Dictionary<string, string> { ["VISAGE_STORE"] = _temp.File("other.db") },
            "people", "delete", people[0], "--db", store);
        Assert.True(deleted.ExitCode == 0, deleted.ToString());
        Assert.Contains(shown, deleted.Out);

        foreach (var run in new[] { enroll, identify, list, deleted })
            Assert.DoesNotContain(Password, run.Out + run.Err);
    }

    [Fact]
    public async Task A_store_that_cannot_be_reached_is_one_line_without_its_password()
    {
        var unreachable = $"postgres://someone:{Password}@127.0.0.1:1/visage";
        var result = await VisageCli.RunAsync("people", "list", "--store", unreachable);
        Assert.Equal(1, result.ExitCode);
        Assert.Matches(@"^visage: error: postgres://someone:\*\*\*@127\.0\.0\.1:1/visage: cannot connect to the store .*\n?$", result.Err);
        Assert.DoesNotContain(Password, result.Out + result.Err);

        var notUrl = await VisageCli.RunAsync("people", "list", "--store", $"postgres://someone:{Password}@/");
        Assert.NotEqual(0, notUrl.ExitCode);
        Assert.DoesNotContain(Password, notUrl.Out + notUrl.Err);
    }
}
