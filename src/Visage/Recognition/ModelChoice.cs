using Visage.Models;

namespace Visage.Recognition;

/// <summary>
/// Which embedding network a pipeline runs: a model pack from the catalogue, or the seed article's
/// FaceNet from its weights folder (<c>seed:PATH</c>).
/// </summary>
internal abstract record ModelChoice
{
    /// <summary>The seed's rule: the same person at a distance of at most 0.52.</summary>
    public const float SeedThreshold = 0.52f;

    public sealed record Pack(ModelPack Value) : ModelChoice;

    public sealed record Seed(string WeightsFolder) : ModelChoice;

    public static ModelChoice Default => new Pack(ModelCatalog.Default);

    /// <summary>Parses <c>PACK_ID</c> or <c>seed:PATH</c>.</summary>
    public static ModelChoice Parse(string text)
    {
        if (text.StartsWith("seed:", StringComparison.OrdinalIgnoreCase))
        {
            var folder = text["seed:".Length..];
            if (string.IsNullOrWhiteSpace(folder))
                throw new InvalidSettingException(VisageSetting.Model, "seed:PATH needs the path of the seed's weights folder");
            return new Seed(folder);
        }
        return new Pack(ModelCatalog.Get(text));
    }
}
