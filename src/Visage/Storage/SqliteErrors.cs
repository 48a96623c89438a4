using Microsoft.Data.Sqlite;

namespace Visage.Storage;

/// <summary>Turns SQLite's error codes into one-line <see cref="GalleryException"/>s that say what to do.</summary>
internal sealed class SqliteErrors(string location, TimeSpan lockTimeout)
{
    private const int Busy = 5;
    private const int Locked = 6;
    private const int ReadOnly = 8;
    private const int IoError = 10;
    private const int Corrupt = 11;
    private const int Full = 13;
    private const int CantOpen = 14;
    private const int NotADatabase = 26;

    public async Task<T> GuardAsync<T>(string what, Func<Task<T>> work)
    {
        try
        {
            return await work();
        }
        catch (SqliteException e)
        {
            throw Map(e, what);
        }
    }

    public GalleryException Map(SqliteException e, string what) => (e.SqliteErrorCode & 0xff) switch
    {
        Busy or Locked => new GalleryException(location, GalleryProblem.Locked,
            $"{location}: gallery is locked by another process (waited {lockTimeout.TotalSeconds:0.#} s to {what} it); " +
            "try again when that process has finished", e),
        ReadOnly => new GalleryException(location, GalleryProblem.ReadOnly,
            $"{location}: gallery cannot be written (read-only file, folder or disk)", e),
        CantOpen => new GalleryException(location, GalleryProblem.ReadOnly,
            $"{location}: gallery cannot be opened for writing (check the file's and its folder's permissions)", e),
        NotADatabase => new GalleryException(location, GalleryProblem.NotAGallery,
            $"{location}: not a Visage gallery (not an SQLite database)", e),
        Corrupt => new GalleryException(location, GalleryProblem.Damaged,
            $"{location}: gallery file is damaged ({FirstLine(e.Message)})", e),
        Full => new GalleryException(location, GalleryProblem.Unavailable,
            $"{location}: disk full, could not {what} the gallery", e),
        IoError => new GalleryException(location, GalleryProblem.Unavailable,
            $"{location}: disk error while trying to {what} the gallery ({FirstLine(e.Message)})", e),
        _ => new GalleryException(location, GalleryProblem.Damaged,
            $"{location}: could not {what} the gallery ({FirstLine(e.Message)})", e),
    };

    private static string FirstLine(string message) => message.Split('\n')[0].Trim();
}
