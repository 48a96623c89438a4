namespace Visage;

/// <summary>
/// A failure the user can act on. The message is one line that names the input at fault
/// (a file, a gallery, a model pack); front ends print it as it is and exit non-zero.
/// </summary>
public class VisageException : Exception
{
    public VisageException(string message) : base(message) { }
    public VisageException(string message, Exception inner) : base(message, inner) { }
}
