using Visage.Json;
using Visage.Video;

namespace Visage.Server.Events;

/// <summary>
/// A camera event as the API lists it, pushes it (Server-Sent Events) and posts it to webhooks, in the welcome loop's
/// field names: <c>{"id","event","time","camera","cameraName","source","people","text","faces","snapshot","crops",
/// "connection","person"}</c>. <c>event</c> is <c>greeting</c>, <c>unknown</c> (a stranger, at most once per cooldown),
/// <c>connected</c>, <c>disconnected</c> or <c>reconnected</c>; <c>source</c> is the camera's address with its
/// password masked; <c>snapshot</c> is the address of the annotated frame (JPEG), <c>crops</c> those of each
/// unknown face; <c>person</c> is whom a stranger was named as, once named.
/// </summary>
public sealed record CameraEventJson(
    long Id,
    WatchEventKind Event,
    DateTimeOffset Time,
    string Camera,
    string CameraName,
    string? Source,
    IReadOnlyList<string> People,
    string? Text,
    IReadOnlyList<IdentifiedFaceJson> Faces,
    string? Snapshot,
    IReadOnlyList<string> Crops,
    ConnectionJson? Connection,
    string? Person);

/// <summary><c>{"events","next"}</c>: newest first; <c>next</c> is the <c>before</c> of the next page, null on the last.</summary>
public sealed record CameraEventsJson(IReadOnlyList<CameraEventJson> Events, long? Next);
