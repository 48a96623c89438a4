namespace Visage.Models;

/// <summary>
/// A pack whose detector is a BlazeFace model: its boxes are moved down by <paramref name="Shift"/> of their
/// height and grown <paramref name="Scale"/> times about their centre, to the place and size of UltraFace's
/// boxes, for which the landmark networks crop.
/// </summary>
internal sealed record BlazeFaceBoxes(float Scale, float Shift);
