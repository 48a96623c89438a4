namespace Visage.Models;

/// <summary>One file of a pinned npm package, as its path inside the tarball (<c>package/...</c>).</summary>
internal sealed record ModelFile(NpmPackage Package, string PathInPackage)
{
    public string FileName => Path.GetFileName(PathInPackage);
}
