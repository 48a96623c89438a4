namespace Visage;

/// <summary>A video source that cannot be opened, or a video that turned out to be broken part way.</summary>
public sealed class VideoException(string input, string message, Exception? inner = null)
    : VisageException(message, inner)
{
    public string Input { get; } = input;
}
