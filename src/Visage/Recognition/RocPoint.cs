namespace Visage.Recognition;

/// <summary>At one threshold: the share of same-person pairs accepted and of different-person pairs accepted.</summary>
public readonly record struct RocPoint(float Threshold, double TrueAcceptRate, double FalseAcceptRate);
