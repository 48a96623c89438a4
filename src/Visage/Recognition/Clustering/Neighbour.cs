namespace Visage.Recognition.Clustering;

/// <summary>A face within the clustering threshold of another, and how far it is.</summary>
internal readonly record struct Neighbour(int Face, float Distance);
