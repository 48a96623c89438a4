namespace Visage.Execution;

/// <summary>
/// What the tuner needs to know about a network's use: the range its inputs take (the tuner feeds it
/// deterministic pseudo-random items in that range) and how many items a typical run holds (faces of a photo,
/// mirrored ones included), for deciding whether to run them together.
/// </summary>
internal sealed record TuningRequest(float InputMin, float InputMax, int TypicalBatch = 1);
