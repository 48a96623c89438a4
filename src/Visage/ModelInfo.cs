namespace Visage;

/// <summary>
/// A model pack as people choose one: what it is, its licence, its threshold, whether it is installed; for a
/// quantised (int8) variant, the float pack it is made from.
/// </summary>
public sealed record ModelInfo(
    string Id,
    string Description,
    string Licence,
    bool IsDefault,
    IReadOnlyList<ModelPackage> Packages,
    IReadOnlyList<ModelPackFile> Files,
    int Dimensions,
    float Threshold,
    string ThresholdProvenance,
    bool Installed,
    string Folder,
    bool Fused = false,
    string? QuantisedFrom = null);
