namespace Visage;

/// <summary>What went wrong with a gallery; <see cref="GalleryException.Problem"/> says which case.</summary>
public enum GalleryProblem
{
    /// <summary>There is no gallery at that location (and none was to be created).</summary>
    NotFound,

    /// <summary>The file exists but is not a Visage gallery (another SQLite file, a photo, a damaged file).</summary>
    NotAGallery,

    /// <summary>Another process holds a write lock longer than the wait allowed.</summary>
    Locked,

    /// <summary>The gallery can be read but not written (file or folder permissions, read-only mount).</summary>
    ReadOnly,

    /// <summary>The gallery was built by another pipeline (model, detector, alignment) than the one running.</summary>
    WrongPipeline,

    /// <summary>The gallery's contents contradict themselves (rows removed by hand, a damaged page).</summary>
    Damaged,

    /// <summary>The store could not be reached or refused the operation for another reason.</summary>
    Unavailable,
}

/// <summary>A gallery (people store) that cannot be opened, read or written; nothing in it was changed.</summary>
public sealed class GalleryException(string location, GalleryProblem problem, string message, Exception? inner = null)
    : VisageException(message, inner)
{
    public string Location { get; } = location;
    public GalleryProblem Problem { get; } = problem;

    /// <summary>For <see cref="GalleryProblem.WrongPipeline"/>: the model id the gallery was built with.</summary>
    public string? BoundModel { get; init; }
}
