using Visage.Detection;
using Visage.Recognition;

namespace Visage.Cli;

/// <summary>The shapes of --json output.</summary>
internal sealed record BoxJson(float X, float Y, float Width, float Height)
{
    public static BoxJson From(FaceBox b) => new(MathF.Round(b.X, 1), MathF.Round(b.Y, 1),
        MathF.Round(b.Width, 1), MathF.Round(b.Height, 1));
}

internal sealed record DistanceJson(string Identity, float Distance);

internal sealed record IdentifiedFaceJson(
    BoxJson Box, float Score, string? Identity, bool Known, string? Nearest, float? Distance,
    IReadOnlyList<DistanceJson> Distances)
{
    public static IdentifiedFaceJson From(Identification id) => new(
        BoxJson.From(id.Face.Box), id.Face.Score, id.Identity, id.IsKnown, id.Nearest,
        float.IsFinite(id.Distance) ? id.Distance : null,
        id.Distances.Select(d => new DistanceJson(d.Identity, d.Distance)).ToList());
}

internal sealed record IdentifyJson(string Image, string Model, float Threshold, IReadOnlyList<IdentifiedFaceJson> Faces);

internal sealed record EmbeddedFaceJson(BoxJson Box, float Score, float[] Embedding);

internal sealed record EmbedJson(string Image, string Model, int Dimensions, IReadOnlyList<EmbeddedFaceJson> Faces);

internal sealed record VerifyJson(string First, string Second, string Model, float Distance, float Threshold,
    bool SamePerson, BoxJson FirstBox, BoxJson SecondBox);

internal sealed record EnrollOutcomeJson(string Path, string Identity, string Status, string? Message);

internal sealed record EnrollJson(string Db, string Model, int Enrolled, int AlreadyEnrolled, int Skipped, int Failed,
    IReadOnlyList<EnrollOutcomeJson> Photos);

internal sealed record WatchJson(string Source, string Ending, long FramesRead, long FramesProcessed, long FramesDropped,
    long FacesSeen, int Greetings, IReadOnlyList<string> Greeted, double MedianMilliseconds, int Disconnections,
    int Reconnections, string? Error);
