namespace Visage.Recognition;

/// <summary>The distance from a face to an enrolled identity: the smallest over that identity's photos.</summary>
public sealed record IdentityDistance(string Identity, float Distance);
