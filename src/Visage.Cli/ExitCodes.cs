namespace Visage.Cli;

/// <summary>The exit statuses of every command (README, "Exit status").</summary>
internal static class ExitCodes
{
    public const int Success = 0;

    /// <summary>The work failed: bad input, a missing gallery, a broken video.</summary>
    public const int Failure = 1;

    /// <summary>The command line is wrong: an unknown option, a bad value, options that exclude each other.</summary>
    public const int Usage = 2;

    /// <summary>Stopped by Ctrl+C (SIGINT), as shells report it.</summary>
    public const int Interrupted = 130;

    /// <summary>Stopped by SIGTERM (timeout, systemd, a container stop), as shells report it.</summary>
    public const int Terminated = 143;
}
