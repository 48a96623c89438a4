namespace Visage;

/// <summary>An npm package a pack comes from, pinned by the SHA-512 of its tarball.</summary>
public sealed record ModelPackage(string Name, string Version, string Sha512);
