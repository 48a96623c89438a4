using OpenCvSharp;

namespace Visage.Detection;

/// <summary>
/// A face a detector found, with its confidence in [0, 1]. <paramref name="Keypoints"/> are the points a
/// detector places itself, in image pixels (BlazeFace: the two eyes in image order, nose tip, mouth centre and
/// the two ear tragions); null for detectors that place none.
/// </summary>
public sealed record DetectedFace(FaceBox Box, float Score, IReadOnlyList<Point2f>? Keypoints = null);
