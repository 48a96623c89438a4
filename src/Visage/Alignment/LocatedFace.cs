using Visage.Detection;
using Visage.Landmarks;

namespace Visage.Alignment;

/// <summary>A detected face together with its landmarks: all an embedder needs to crop and align it.</summary>
public sealed record LocatedFace(FaceBox Box, float Score, FaceLandmarks Landmarks);
