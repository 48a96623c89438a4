namespace Visage;

/// <summary>Too few labelled pairs to estimate the false-accept rate asked for; nothing was stored.</summary>
public sealed class CalibrationException(int samePairs, int differentPairs, int neededSame, int neededDifferent,
    string message) : VisageException(message)
{
    public int SamePairs { get; } = samePairs;
    public int DifferentPairs { get; } = differentPairs;
    public int NeededSamePairs { get; } = neededSame;
    public int NeededDifferentPairs { get; } = neededDifferent;
}
