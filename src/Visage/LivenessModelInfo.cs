namespace Visage;

/// <summary>
/// A liveness network as people choose one (<see cref="RecognizerOptions.Liveness"/>, <c>--liveness</c> of
/// evaluate): what it is, its licence, its packages and files, the score a face needs to pass, whether it is
/// installed. <see cref="IsDefault"/> marks the one <c>--liveness</c> of identify and watch, and the service, use.
/// </summary>
public sealed record LivenessModelInfo(
    string Id,
    string Description,
    string Licence,
    bool IsDefault,
    IReadOnlyList<ModelPackage> Packages,
    IReadOnlyList<ModelPackFile> Files,
    float Threshold,
    int InputSize,
    bool Installed,
    string Folder);
