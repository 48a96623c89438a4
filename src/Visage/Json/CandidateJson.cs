namespace Visage.Json;

/// <summary>A person a face might be, and the distance to their nearest enrolled face: <c>{"person","distance"}</c>.</summary>
public sealed record CandidateJson(string Person, float Distance);
