namespace Visage.Cli;

/// <summary>A command line that cannot be run as given (a bad option value, options that exclude each other): exit status 2.</summary>
internal sealed class UsageException(string message) : Exception(message);
