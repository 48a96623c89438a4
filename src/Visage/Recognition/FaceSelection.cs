namespace Visage.Recognition;

/// <summary>Picks one face when a photo has several.</summary>
internal static class FaceSelection
{
    public static Face Largest(IReadOnlyList<Face> faces) => faces.MaxBy(f => f.Box.Area)
        ?? throw new ArgumentException("no faces to choose from");

    /// <summary>The face nearest the image centre: the subject of a portrait or an LFW photo.</summary>
    public static Face MostCentral(IReadOnlyList<Face> faces, int imageWidth, int imageHeight) =>
        faces.MinBy(f =>
        {
            var dx = f.Box.Center.X - imageWidth / 2f;
            var dy = f.Box.Center.Y - imageHeight / 2f;
            return dx * dx + dy * dy;
        }) ?? throw new ArgumentException("no faces to choose from");
}
