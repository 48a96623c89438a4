namespace Visage;

/// <summary>
/// A setting has a value Visage cannot use (a negative threshold, a false-accept rate of 2, a blank name).
/// <see cref="Setting"/> says which, so a front end can name its own flag or field for it.
/// </summary>
public sealed class InvalidSettingException(VisageSetting setting, string message) : VisageException(message)
{
    public VisageSetting Setting { get; } = setting;
}
