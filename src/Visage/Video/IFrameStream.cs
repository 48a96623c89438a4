using OpenCvSharp;

namespace Visage.Video;

/// <summary>
/// One opening of a source: its BGR pictures, in order. Read from one thread; Dispose from any (it stops a
/// read that is waiting).
/// </summary>
internal interface IFrameStream : IDisposable
{
    /// <summary>The size of the first picture.</summary>
    Size FrameSize { get; }

    /// <summary>The frame rate the source states, when it states a usable one.</summary>
    double? Fps { get; }

    /// <summary>
    /// The next picture, or null when the source ended normally; throws <see cref="StreamFailure"/> (or, for a
    /// file, <see cref="VideoException"/>) when it broke, and <see cref="OperationCanceledException"/> when
    /// <paramref name="ct"/> stopped it.
    /// </summary>
    Mat? Read(CancellationToken ct);
}
