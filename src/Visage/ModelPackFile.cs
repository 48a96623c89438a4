namespace Visage;

/// <summary>A file of a pack: which package, where in it, where it is installed.</summary>
public sealed record ModelPackFile(string Package, string PathInPackage, string Path);
