namespace Visage.Models.FaceApi;

/// <summary>
/// The npm package that carries face-api's face recognition weights, pinned, and where they lie in it.
/// Licence: MIT (package.json and LICENSE, Copyright (c) Vladimir Mandic). Its TUTORIAL.md says the network
/// is the one of dlib's face recognition example with weights trained by Davis King (dlib); the package
/// stores them for TensorFlow.js, mostly quantised to 8 bits.
/// </summary>
internal static class FaceApiPackage
{
    public static NpmPackage Package { get; } = new(
        "@vladmandic/face-api",
        "1.7.15",
        "WDMmK3CfNLo8jylWqMoQgf4nIst3M0fzx1dnac96wv/dvMTN4DxC/Pq1DGtduDk1lktCamQ3MIDXFnvrdHTXDw==");

    public const string Licence = "MIT";

    /// <summary>The files <see cref="FaceRecognitionNetwork.Build"/> reads, as paths inside the package.</summary>
    public static IReadOnlyList<string> FaceRecognitionFiles { get; } =
    [
        $"package/model/{FaceRecognitionNetwork.ManifestFileName}",
        $"package/model/{FaceRecognitionNetwork.WeightsFileName}",
    ];
}
