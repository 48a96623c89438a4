namespace Visage.Recognition;

/// <summary>A photo that could not be looked at, and why (one line naming it).</summary>
public sealed record PhotoProblem(string Image, string Message);
