namespace Visage.Models;

/// <summary>
/// A step of fetching or loading a model pack, for progress displays; a <see cref="Detail"/> is worth a live
/// status line but not a line of its own in a log.
/// </summary>
public sealed record FetchProgress(string PackId, string Step, bool Detail = false);
