namespace Visage.Storage;

internal enum GalleryOpenMode
{
    /// <summary>Create an empty gallery when the file does not exist; the gallery must be writable.</summary>
    CreateIfMissing,

    /// <summary>The file must exist already and is only read (a typo must not silently make an empty gallery).</summary>
    MustExist,

    /// <summary>The file must exist already and be writable (renaming, deleting, calibrating).</summary>
    MustExistWritable,
}
