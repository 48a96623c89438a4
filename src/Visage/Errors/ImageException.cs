namespace Visage;

/// <summary>An image that cannot be used: missing, unreadable, not an image, broken, or too large.</summary>
public class ImageException(string input, string message, Exception? inner = null)
    : VisageException(message, inner)
{
    /// <summary>The file or name the image came from.</summary>
    public string Input { get; } = input;
}
