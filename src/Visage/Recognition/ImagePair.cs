namespace Visage.Recognition;

/// <summary>Two photos and whether they show the same person.</summary>
public sealed record ImagePair(string First, string Second, bool SamePerson);
