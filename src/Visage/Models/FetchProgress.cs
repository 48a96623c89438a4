namespace Visage.Models;

/// <summary>A step of fetching a model pack, for progress displays.</summary>
public sealed record FetchProgress(string PackId, string Step);
