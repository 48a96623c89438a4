namespace Visage.Server.Strangers;

/// <summary>
/// One unknown face seen: its encoding (under the service's pipeline), a small JPEG crop to show, where it was
/// seen (a label: "upload 'door.jpg'", "camera door"), when, and optionally a key that names this very face
/// (the same photo and box sent twice is then kept once).
/// </summary>
public sealed record StrangerSighting(float[] Encoding, byte[] Crop, string Source, DateTimeOffset SeenAt, string? Key = null);

/// <summary>What became of a sighting.</summary>
public enum SightingOutcome
{
    /// <summary>Stored as a face; <see cref="SightingReport.Cluster"/> is its group, null while it stands alone.</summary>
    Stored,

    /// <summary>Its group is full (see <see cref="StrangerOptions.MaxFacesPerGroup"/>): only counted.</summary>
    Counted,

    /// <summary>The same key was reported before: nothing changed.</summary>
    Duplicate,

    /// <summary>Keeping strangers is turned off.</summary>
    Off,
}

/// <summary>The answer to a sighting: what became of it, the face's id when stored, and its group.</summary>
public sealed record SightingReport(SightingOutcome Outcome, long? FaceId, long? Cluster);
