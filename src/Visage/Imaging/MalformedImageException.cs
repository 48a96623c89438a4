namespace Visage.Imaging;

/// <summary>
/// Raised by the header parsers, which do not know the file name; <see cref="ImageReader"/>
/// turns it into a <see cref="VisageException"/> that names the file.
/// </summary>
/// <param name="problem">What is wrong, e.g. "truncated image (no IEND chunk)".</param>
internal sealed class MalformedImageException(string problem) : Exception(problem)
{
    public static MalformedImageException Truncated(string detail) => new($"truncated image ({detail})");

    public static MalformedImageException Corrupt(string detail) => new($"not an image ({detail})");
}
