namespace Visage;

/// <summary>A person operation that cannot be done: no such person, or the new name is taken.</summary>
public sealed class PersonException(string name, bool exists, string message) : VisageException(message)
{
    public string Name { get; } = name;

    /// <summary>True when the problem is that the person already exists (rename onto a taken name).</summary>
    public bool Exists { get; } = exists;
}
