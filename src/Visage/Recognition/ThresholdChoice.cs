namespace Visage.Recognition;

/// <summary>A threshold and the accuracy it reached on the pairs it was chosen on.</summary>
public sealed record ThresholdChoice(float Threshold, double Accuracy, int Pairs);
