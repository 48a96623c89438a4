namespace Visage.Storage;

public enum GalleryOpenMode
{
    /// <summary>Create an empty gallery when the file does not exist.</summary>
    CreateIfMissing,

    /// <summary>The file must exist already (for reading: a typo must not silently make an empty gallery).</summary>
    MustExist,
}
