using Visage.Detection;
using Visage.Landmarks;

namespace Visage.Alignment;

/// <summary>
/// A detected face together with its landmarks: all an embedder needs to crop and align it. Landmarks are
/// null when the embedder does not align (the seed's network takes the detector's box as it is).
/// </summary>
internal sealed record LocatedFace(FaceBox Box, float Score, FaceLandmarks? Landmarks);
