namespace Visage;

/// <summary>
/// A failure the user can act on. The message is one line that names the input at fault (a file, a gallery,
/// a person, a model pack) and never a front end's option: front ends add their own wording (a flag, a
/// command to run) from the exception's type and print it. Subclasses say what kind of input failed.
/// </summary>
public class VisageException : Exception
{
    public VisageException(string message) : base(message) { }
    public VisageException(string message, Exception? inner) : base(message, inner) { }
}
