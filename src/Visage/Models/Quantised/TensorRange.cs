namespace Visage.Models.Quantised;

/// <summary>
/// The values one activation tensor took over the calibration items: the extremes of all of them
/// (<see cref="Min"/>, <see cref="Max"/>) and the means of each item's extremes (<see cref="MeanMin"/>,
/// <see cref="MeanMax"/>), which a few outlying items do not stretch.
/// </summary>
internal sealed record TensorRange(float Min, float Max, float MeanMin, float MeanMax);
