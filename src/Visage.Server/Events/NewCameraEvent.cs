using Visage.Json;
using Visage.Video;

namespace Visage.Server.Events;

/// <summary>An event to store: what the camera saw, its annotated frame, and the crops of its unknown faces.</summary>
public sealed record NewCameraEvent(
    WatchEventKind Kind,
    DateTimeOffset Time,
    string Camera,
    string CameraName,
    string? Source,
    IReadOnlyList<string> People,
    string? Text,
    IReadOnlyList<IdentifiedFaceJson> Faces,
    ConnectionJson? Connection,
    byte[]? Snapshot = null,
    IReadOnlyList<byte[]>? Crops = null);
