namespace Visage;

/// <summary>How to enroll photos.</summary>
public sealed record EnrollOptions
{
    /// <summary>Enroll every photo found as this person (instead of naming them by file or folder).</summary>
    public string? Name { get; init; }

    /// <summary>In a photo with several faces, take the biggest instead of skipping the photo.</summary>
    public bool Largest { get; init; }

    /// <summary>Encode each photo whole, without detection (the seed's database of cropped faces).</summary>
    public bool WholeImage { get; init; }

    /// <summary>Photos per committed batch: a killed run keeps every batch committed before.</summary>
    public int BatchSize { get; init; } = 100;
}
