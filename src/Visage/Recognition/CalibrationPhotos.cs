namespace Visage.Recognition;

/// <summary>What to calibrate a threshold on: labelled photos, pairs of photos, or the people enrolled already.</summary>
public abstract record CalibrationPhotos
{
    private CalibrationPhotos() { }

    /// <summary><c>FOLDER/NAME/*.jpg</c>, several photos per person: every same- and different-person pair.</summary>
    public sealed record Folder(string Path) : CalibrationPhotos;

    /// <summary>Labelled pairs (as read from an LFW pairs file).</summary>
    public sealed record Pairs(IReadOnlyList<ImagePair> Value) : CalibrationPhotos;

    /// <summary>The gallery's own enrolled faces: every pair among them.</summary>
    public sealed record Enrolled : CalibrationPhotos;
}
