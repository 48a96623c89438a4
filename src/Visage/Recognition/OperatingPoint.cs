namespace Visage.Recognition;

/// <summary>The threshold that keeps false accepts at or below a target rate, and what it achieves there.</summary>
public sealed record OperatingPoint(double TargetFalseAcceptRate, float Threshold, double TrueAcceptRate,
    double FalseAcceptRate);
