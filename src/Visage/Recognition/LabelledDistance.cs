namespace Visage.Recognition;

/// <summary>The distance between two faces and whether they are truly the same person.</summary>
public readonly record struct LabelledDistance(float Distance, bool SamePerson);
