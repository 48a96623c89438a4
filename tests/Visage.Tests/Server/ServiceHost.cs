using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.Hosting;
using Visage.Server;
using Visage.Server.Hosting;
using Visage.Server.Security;
using Visage.Tests.TestData;

namespace Visage.Tests.Server;

/// <summary>One loaded recognizer for every service test (each test still gets its own gallery and keys).</summary>
public sealed class ServiceRecognizerFixture : LoadedRecognizerFixture;

[CollectionDefinition(Name)]
public sealed class ServiceCollection : ICollectionFixture<ServiceRecognizerFixture>
{
    public const string Name = "service";
}

/// <summary>
/// The service over the real ASP.NET Core pipeline, in memory (WebApplicationFactory), on a fresh gallery and
/// data folder, with an admin key made the way a first start makes it. The entry point named is the visage
/// command's (the program that hosts the service); the host itself is built here, as visage serve builds it.
/// </summary>
internal sealed class ServiceHost : WebApplicationFactory<Program>
{
    private readonly TempFolder _temp = new();

    public ServiceHost(FaceRecognizer recognizer, Func<ServerOptions, ServerOptions>? adjust = null)
    {
        var options = new ServerOptions
        {
            Gallery = _temp.File("gallery.db"),
            DataFolder = _temp.File("data"),
            RateLimit = 0,
        };
        Options = adjust?.Invoke(options) ?? options;
        Service = VisageService.OpenAsync(Options, recognizer).GetAwaiter().GetResult();
        AdminKey = VisageServer.AnnounceFirstKey(Service, _ => { })!.Secret;
    }

    public ServerOptions Options { get; }
    public VisageService Service { get; }
    public string AdminKey { get; }
    public TempFolder Temp => _temp;

    protected override IHostBuilder CreateHostBuilder() => new HostBuilder().ConfigureWebHost(web => web
        .UseContentRoot(AppContext.BaseDirectory)
        .ConfigureServices(services => services.AddVisageServer(Service))
        .Configure(app => app.UseVisageServer()));

    /// <summary>A client that sends <paramref name="key"/> (none when null).</summary>
    public HttpClient Client(string? key)
    {
        var client = CreateClient(new WebApplicationFactoryClientOptions { HandleCookies = false });
        if (key is not null) client.DefaultRequestHeaders.Add(ApiKeyAuthentication.Header, key);
        return client;
    }

    public HttpClient Admin() => Client(AdminKey);

    public string NewKey(ApiKeyRole role, string name = "test") => Service.Keys.Create(name, role).Secret;

    protected override void Dispose(bool disposing)
    {
        base.Dispose(disposing);
        if (!disposing) return;
        Service.Dispose();
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        _temp.Dispose();
    }
}

/// <summary>Building multipart bodies and reading answers.</summary>
internal static class Http
{
    public static MultipartFormDataContent Photos(string field, params string[] paths)
    {
        var form = new MultipartFormDataContent();
        foreach (var path in paths) form.Add(File(path), field, Path.GetFileName(path));
        return form;
    }

    public static MultipartFormDataContent Bytes(string field, byte[] bytes, string fileName)
    {
        var form = new MultipartFormDataContent();
        var content = new ByteArrayContent(bytes);
        content.Headers.ContentType = new MediaTypeHeaderValue("application/octet-stream");
        form.Add(content, field, fileName);
        return form;
    }

    private static ByteArrayContent File(string path)
    {
        var content = new ByteArrayContent(System.IO.File.ReadAllBytes(path));
        content.Headers.ContentType = new MediaTypeHeaderValue("image/jpeg");
        return content;
    }

    public static async Task<JsonElement> JsonAsync(this HttpResponseMessage response) =>
        JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;

    /// <summary>The answer must be problem+json with this status; returns its detail.</summary>
    public static async Task<JsonElement> ProblemAsync(this HttpResponseMessage response, int status)
    {
        var body = await response.Content.ReadAsStringAsync();
        Assert.True((int)response.StatusCode == status, $"expected {status}, got {(int)response.StatusCode}: {body}");
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var problem = JsonDocument.Parse(body).RootElement;
        Assert.Equal(status, problem.GetProperty("status").GetInt32());
        var detail = problem.GetProperty("detail").GetString();
        Assert.False(string.IsNullOrWhiteSpace(detail));
        Assert.DoesNotContain('\n', detail);
        return problem;
    }

    public static string Detail(this JsonElement problem) => problem.GetProperty("detail").GetString()!;

    public static Task<HttpResponseMessage> PostJsonAsync<T>(this HttpClient client, string url, T body) =>
        client.PostAsJsonAsync(url, body);
}
